#!/usr/bin/env bash
# A single-node Elasticsearch for tests and local runs, from Elastic's integration-test distribution
# on Maven Central (org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>@zip: the
# server and its transport modules, no bundled JDK, no analysis-common or mapper-extras module).
#
#   tools/elasticsearch.sh up        fetch (once, with Maven, cached under var/), start, wait for green; print the URL
#   tools/elasticsearch.sh down      stop the node by its recorded PID
#   tools/elasticsearch.sh url       print the URL if the node answers, else exit 1
#   tools/elasticsearch.sh missing   print why the node cannot be run here (no Java, no Maven) and exit 0,
#                                    or print nothing and exit 1 when it can
#
# The node: bound to 127.0.0.1, single-node discovery, security off, a small heap, data and logs
# under var/elasticsearch/. Elasticsearch refuses to run as root: as root it runs as ES_USER (nobody).
# Overridable: ES_VERSION, ES_PORT (9200), ES_HEAP (512m), ES_JAVA_HOME, ES_USER, ES_START_TIMEOUT (s),
# ES_STATE_DIR (config, data, logs and PID of this node; default var/elasticsearch).
# This is a test node; docs/DEPLOY.md says what a production cluster needs instead.
set -euo pipefail
cd "$(dirname "$0")/.."

# The newest 8.19 release whose integ-test zip Maven Central serves here; our client is elasticsearch-py 8.19.
ES_VERSION="${ES_VERSION:-8.19.21}"
ES_PORT="${ES_PORT:-9200}"
ES_HEAP="${ES_HEAP:-512m}"
ES_USER="${ES_USER:-nobody}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-240}"
HOME_DIR="$PWD/var/elasticsearch"
DIST="$HOME_DIR/dist/elasticsearch-$ES_VERSION"
# A node's own files (a second node needs its own ES_STATE_DIR and ES_PORT); the distribution is shared.
STATE="${ES_STATE_DIR:-$HOME_DIR}"
CONF="$STATE/config"
DATA="$STATE/data"
LOGS="$STATE/logs"
RUN="$STATE/run"
PIDFILE="$RUN/elasticsearch.pid"
URL="http://127.0.0.1:$ES_PORT"

log() { echo "elasticsearch: $*" >&2; }

# A JDK Elasticsearch 8.19 supports (17 or 21+; 17 is the machine's default). ES_JAVA_HOME wins.
find_java() {
    if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
    local candidate
    for candidate in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/java-21-openjdk-* /usr/lib/jvm/temurin-21-*; do
        if [ -x "$candidate/bin/java" ]; then echo "$candidate"; return; fi
    done
    if command -v java >/dev/null 2>&1; then
        candidate="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
        echo "$candidate"
    fi
}

missing() {
    local java_home
    java_home="$(find_java)"
    local reasons=()
    [ -n "$java_home" ] && [ -x "$java_home/bin/java" ] || reasons+=("no Java (JDK 17 or 21) found in /usr/lib/jvm or on PATH")
    [ -x "$DIST/bin/elasticsearch" ] || command -v mvn >/dev/null 2>&1 \
        || reasons+=("no Maven (mvn) to fetch Elasticsearch $ES_VERSION from Maven Central")
    if [ "${#reasons[@]}" -gt 0 ]; then
        local IFS=';'
        echo "cannot run a local Elasticsearch: ${reasons[*]}"
        return 0
    fi
    return 1
}

# (GET / lives in the rest-root module, which the integ-test distribution lacks)
answers() { curl -fsS --max-time 2 "$URL/_cluster/health" >/dev/null 2>&1; }

recorded_pid() {
    [ -s "$PIDFILE" ] || return 1
    local pid
    pid="$(cat "$PIDFILE")"
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

fetch() {
    [ -x "$DIST/bin/elasticsearch" ] && return
    command -v mvn >/dev/null 2>&1 || { log "no Maven (mvn) to fetch it"; exit 1; }
    log "fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION@zip with Maven"
    mkdir -p "$HOME_DIR/download" "$HOME_DIR/dist"
    mvn -q -B dependency:copy \
        -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
        -DoutputDirectory="$HOME_DIR/download" -Dmaven.repo.local="$HOME_DIR/m2" >&2
    local zip="$HOME_DIR/download/elasticsearch-$ES_VERSION.zip"
    rm -rf "$DIST.partial" && mkdir -p "$DIST.partial"
    (cd "$DIST.partial" && unzip -q "$zip")
    mv "$DIST.partial/elasticsearch-$ES_VERSION" "$DIST"
    rm -rf "$DIST.partial" "$zip"
}

configure() {
    mkdir -p "$CONF" "$DATA" "$LOGS" "$RUN"
    # the distribution's jvm.options, log4j2.properties...; elasticsearch.yml is ours
    cp -rn "$DIST/config/." "$CONF/"
    cat >"$CONF/elasticsearch.yml" <<EOF
# Written by tools/elasticsearch.sh: a single-node test node, not a production cluster (docs/DEPLOY.md).
cluster.name: disclosures-test
node.name: test-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
discovery.type: single-node
xpack.security.enabled: false
path.data: $DATA
path.logs: $LOGS
# a developer's disk may be fuller than a server's: never block writes on it
cluster.routing.allocation.disk.threshold_enabled: false
EOF
    if [ "$(id -u)" = 0 ]; then
        chown -R "$ES_USER" "$CONF" "$DATA" "$LOGS" "$RUN"
    fi
}

up() {
    if pid="$(recorded_pid)" && answers; then
        wait_green
        echo "$URL"
        return
    fi
    if answers; then
        log "something that is not our node already answers at $URL (set ES_PORT to use another port)"
        exit 1
    fi
    local why
    if why="$(missing)"; then log "$why"; exit 1; fi
    fetch
    configure
    local java_home
    java_home="$(find_java)"
    if pid="$(recorded_pid)"; then
        log "node $pid is running but does not answer at $URL yet; waiting"
    else
        start_node "$java_home"
    fi
    local waited=0
    until answers; do
        if ! recorded_pid >/dev/null && [ "$waited" -gt 5 ]; then
            log "the node exited while starting; the end of its log:"
            tail -n 30 "$LOGS/disclosures-test.log" >&2 2>/dev/null || cat "$RUN/start.log" >&2
            exit 1
        fi
        if [ "$waited" -ge "$ES_START_TIMEOUT" ]; then log "no answer after ${waited}s"; exit 1; fi
        sleep 1
        waited=$((waited + 1))
    done
    wait_green
    echo "$URL"
}

start_node() {
    local java_home="$1"
    rm -f "$PIDFILE"
    local -a command=(env "ES_JAVA_HOME=$java_home" "ES_PATH_CONF=$CONF" "ES_JAVA_OPTS=-Xms$ES_HEAP -Xmx$ES_HEAP"
        "$DIST/bin/elasticsearch" -d -p "$PIDFILE")
    log "starting Elasticsearch $ES_VERSION on $java_home at $URL (logs: $LOGS)"
    if [ "$(id -u)" = 0 ]; then
        # Elasticsearch refuses to run as root
        runuser -u "$ES_USER" -- "${command[@]}" </dev/null >"$RUN/start.log" 2>&1 \
            || { cat "$RUN/start.log" >&2; exit 1; }
    else
        "${command[@]}" </dev/null >"$RUN/start.log" 2>&1 || { cat "$RUN/start.log" >&2; exit 1; }
    fi
}

wait_green() {
    curl -fsS --max-time 130 "$URL/_cluster/health?wait_for_status=green&timeout=120s" | grep -q '"status":"green"' \
        || { log "the cluster is not green"; exit 1; }
}

down() {
    local pid
    if ! pid="$(recorded_pid)"; then
        log "no node of ours is running"
        rm -f "$PIDFILE"
        return
    fi
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then
        log "node $pid did not stop in 60 s; killing it"
        kill -KILL "$pid"
    fi
    rm -f "$PIDFILE"
    log "stopped node $pid"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    url) answers && echo "$URL" ;;
    missing) missing ;;
    pid) recorded_pid ;;
    *) echo "usage: $0 up|down|url|missing|pid" >&2; exit 2 ;;
esac
