"""Fuzz the v1 API against its own OpenAPI schema with schemathesis.

    .venv/bin/python -m api.schemathesis_check [--examples 25] [--keep]

Builds a throw-away SQLite repository (migrate + ``load_demo``), serves it with
gunicorn on 127.0.0.1, then runs ``schemathesis run`` twice — anonymously and
with an auditor's token — with the checks ``not_a_server_error``,
``status_code_conformance``, ``content_type_conformance`` and
``response_schema_conformance``, in positive and negative modes. Exits non-zero
on any failure: a 5xx, an undocumented status code, a response body or content
type the schema does not describe.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env, **kwargs):
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT, env=env, check=kwargs.pop("check", True), **kwargs)


def auditor_token(env):
    code = (
        "from django.contrib.auth import get_user_model;"
        "from django.contrib.auth.models import Permission;"
        "from rest_framework.authtoken.models import Token;"
        "u,_=get_user_model().objects.get_or_create(username='schemathesis-auditor',defaults={'full_name':'Fuzz'});"
        "p=Permission.objects.filter(codename='view_audit_trail').first();"
        "p and u.user_permissions.add(p);"
        "print(Token.objects.get_or_create(user=u)[0].key if p else 'NO-AUDIT-APP')"
    )
    out = run([str(BIN / "python"), "manage.py", "shell", "-c", code], env, capture_output=True, text=True)
    token = out.stdout.strip().splitlines()[-1]
    return None if token == "NO-AUDIT-APP" else token


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=25, help="max examples per operation")
    parser.add_argument("--news", type=int, default=40, help="demo news items to load")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    args = parser.parse_args(argv)

    var = Path(tempfile.mkdtemp(prefix="schemathesis-"))
    env = {
        **os.environ,
        "VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "SEARCH_INDEX_PATH": str(var / "search.sqlite3"),
        "API_ANON_THROTTLE_RATE": "",
        # Serve as production does: memoised visibility and detail documents.
        "API_STATE_TTL": "60",
        "LOG_LEVEL": "WARNING",
        # The embedded search engine in this temporary folder, whatever the caller's environment says
        # (.ci/run points ELASTICSEARCH_URL at its live node for the search suite).
        "ELASTICSEARCH_URL": "",
        "SEARCH_BACKEND": "embedded",
        # A signing key of this run's own (var/audit-signing.key), so the transparency log's public key
        # and checkpoints are served as in production.
        "AUDIT_SIGNING_KEY": "",
        "AUDIT_SIGNING_KEY_FILE": str(var / "audit-signing.key"),
    }
    server = None
    try:
        run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], env)
        run([str(BIN / "python"), "manage.py", "audit", "keygen", "schemathesis.invalid", "--output",
             env["AUDIT_SIGNING_KEY_FILE"]], env, stdout=subprocess.DEVNULL)
        run([str(BIN / "python"), "manage.py", "load_demo", "--news", str(args.news), "-v0"], env)
        run([str(BIN / "python"), "manage.py", "audit", "checkpoint"], env, stdout=subprocess.DEVNULL)
        token = auditor_token(env)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2",
             "--log-level", "warning"],
            cwd=ROOT, env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/schema/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        failed = False
        runs = [("anonymous", [])]
        if token:
            runs.append(("auditor", ["-H", f"Authorization: Token {token}"]))
        for label, headers in runs:
            print(f"== schemathesis ({label}) ==", flush=True)
            result = run(
                [str(BIN / "schemathesis"), "run", base + "/api/schema/", "--checks", CHECKS,
                 "--max-examples", str(args.examples), "--generation-database", "none",
                 "--suppress-health-check", "all", "--request-timeout", "30", *headers],
                env, check=False,
            )
            failed = failed or result.returncode != 0
        return 1 if failed else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if args.keep:
            print("repository kept in", var)
        else:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
