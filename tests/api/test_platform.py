"""CORS, rate limiting, problem details everywhere, the OpenAPI schema and its snapshot."""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")


def test_cors_for_configured_origins_only(client, tree, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.uthaithani.go.th"]
    allowed = client.get("/api/v1/disclosures", HTTP_ORIGIN="https://www.uthaithani.go.th")
    assert allowed["Access-Control-Allow-Origin"] == "https://www.uthaithani.go.th"
    other = client.get("/api/v1/disclosures", HTTP_ORIGIN="https://evil.example")
    assert not other.has_header("Access-Control-Allow-Origin")
    preflight = client.options("/api/v1/disclosures", HTTP_ORIGIN="https://www.uthaithani.go.th",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight["Access-Control-Allow-Origin"] == "https://www.uthaithani.go.th"


def test_anonymous_rate_limit(client, tree, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_ANON_THROTTLE_RATE = "3/min"
    codes = [client.get("/api/v1/content/").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    limited = client.get("/api/v1/content/")
    assert limited["Content-Type"] == "application/problem+json"
    assert limited.json()["status"] == 429 and limited.has_header("Retry-After")
    cache.clear()


@pytest.mark.parametrize(
    "url",
    [
        # Found by schemathesis: a newline in the path escaped the catch-all and got Django's HTML 404.
        "/api/v1/content/%3C%C2%81%0A%C2%BC/@history/%C2%AC",
        "/api/v1/no%0Asuch%0D",
    ],
)
def test_control_characters_in_the_path_still_get_a_problem_404(client, tree, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_endpoint_is_a_problem_404(client, tree):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_writes_are_refused_as_problems(client, tree):
    response = client.post("/api/v1/disclosures", {})
    assert response.status_code == 405
    assert response.json()["status"] == 405


def _generated_schema(tmp_path, *options):
    out = tmp_path / "schema.json"
    call_command("spectacular", *options, "--format", "openapi-json", "--file", str(out))
    return json.loads(out.read_text())


def test_schema_validates_and_matches_snapshot(tmp_path):
    """The schema is valid OpenAPI 3 and changes only on purpose.

    To accept a deliberate change: ``UPDATE_OPENAPI_SNAPSHOT=1 pytest tests/api/test_platform.py``.
    """
    schema = _generated_schema(tmp_path, "--validate", "--fail-on-warn")
    paths = set(schema["paths"])
    for expected in ("/api/v1/content/{path}", "/api/v1/pages/{page_id}", "/api/v1/disclosures", "/api/v1/search",
                     "/api/v1/search/suggest", "/api/v1/oit/{year}/{agency}", "/api/v1/pages/{page_id}/@history",
                     "/api/v1/pages/{page_id}/@diff", "/api/v1/audit/head", "/api/v1/audit/events"):
        assert expected in paths
    assert not any(p.startswith("/api/v2/") for p in paths)
    # The feeds are in it; descriptions are for API users, never the views' docstrings.
    assert {"/api/v1/feeds/latest.rss", "/api/v1/feeds/agency/{code}.atom", "/api/v1/feeds/item/{code}.rss"} <= paths
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert not any("view" in (op.get("description") or "").lower() for op in operations)
    assert "problem" in schema["info"]["description"]
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    assert schema == json.loads(SNAPSHOT.read_text())


def test_schema_and_docs_are_served(client, tree):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    # Swagger UI comes from the project's own static files (drf-spectacular-sidecar), not a CDN.
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "<script>" not in html  # the start-up script is a file of its own (?script), for the CSP


def test_the_servers_414_is_documented_on_every_operation(tmp_path):
    """gunicorn refuses an over-long request line itself; the schema says so, with its content type.

    Found by schemathesis in CI: ``/api/v1/search/suggest`` with ``limit`` repeated a hundred
    times got gunicorn's 414, which no operation listed.
    """
    import http.client
    import subprocess
    import time

    from api.schemathesis_check import BIN, ROOT, free_port

    schema = _generated_schema(tmp_path)
    operations = [op for item in schema["paths"].values() for op in item.values() if "responses" in op]
    assert operations and all("414" in op["responses"] for op in operations)
    documented = set(operations[0]["responses"]["414"]["content"])

    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1",
                               "--log-level", "critical"], cwd=ROOT,
                              env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/search/suggest?" + "&".join(["limit=%C3%BC%F2%82"] * 400))
                response = conn.getresponse()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        assert response.status == 414
        assert response.getheader("Content-Type").split(";")[0] in documented
    finally:
        server.terminate()
        server.wait(timeout=10)
