"""Webhooks: outbox rows on publish/unpublish/move/delete, signing, delivery to a real local server, retry."""

import datetime
import http.server
import json
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.webhooks import signing
from api.webhooks.delivery import backoff, deliver_due
from api.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

from .builders import add, publish

pytestmark = pytest.mark.django_db(transaction=False)


class Receiver:
    """A real HTTP server on 127.0.0.1 that records requests and answers from a script of status codes."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_signature_roundtrip_and_tamper():
    body = '{"a":"ข่าว"}'.encode()
    header = signing.sign("s3cret", body, timestamp=1_700_000_000)
    assert signing.verify("s3cret", body, header, now=1_700_000_010)
    assert not signing.verify("s3cret", body + b" ", header, now=1_700_000_010)
    assert not signing.verify("other", body, header, now=1_700_000_010)
    assert not signing.verify("s3cret", body, header, now=1_700_001_000)  # too old
    assert not signing.verify("s3cret", body, "garbage")


def test_publish_unpublish_move_delete_write_outbox_rows(tree):
    WebhookEndpoint.objects.create(name="portal", url="http://127.0.0.1:9/")
    WebhookEndpoint.objects.create(name="only deletes", url="http://127.0.0.1:9/", events=["page.deleted"])
    WebhookEndpoint.objects.create(name="off", url="http://127.0.0.1:9/", active=False)
    page = tree.news()
    page.move(tree.office_item_page, pos="last-child")
    page.refresh_from_db()
    page.specific.unpublish()
    publish(page.specific)
    page.delete()
    events = list(WebhookDelivery.objects.filter(endpoint__name="portal").values_list("event", flat=True))
    assert events == ["page.published", "page.moved", "page.unpublished", "page.published", "page.deleted"]
    assert list(WebhookDelivery.objects.filter(endpoint__name="only deletes").values_list("event", flat=True)) == ["page.deleted"]
    assert not WebhookDelivery.objects.filter(endpoint__name="off").exists()
    moved = json.loads(WebhookDelivery.objects.get(endpoint__name="portal", event="page.moved").body)
    assert moved["page"]["path"].startswith("uthai-thani/office/news/o4/")
    assert moved["page"]["path_before"].startswith("uthai-thani/news/o4/")


def test_drafts_and_private_pages_produce_no_events(tree):
    from wagtail.models import PageViewRestriction

    WebhookEndpoint.objects.create(name="portal", url="http://127.0.0.1:9/")
    page = tree.news(published=False)
    page.save_revision()
    PageViewRestriction.objects.create(page=tree.other_page, restriction_type=PageViewRestriction.LOGIN)
    tree.news(tree.other_item_page)
    assert not WebhookDelivery.objects.exists()


def test_delivery_is_signed_and_logged(tree):
    with Receiver([200]) as receiver:
        endpoint = WebhookEndpoint.objects.create(name="portal", url=receiver.url, secret="shared-secret")
        page = tree.news()
        tried = deliver_due()
    assert [d.status for d in tried] == ["delivered"]
    [(headers, body)] = receiver.requests
    assert signing.verify(endpoint.secret, body, headers[signing.HEADER])
    payload = json.loads(body)
    assert payload["event"] == "page.published" and payload["page"]["id"] == page.pk
    assert headers["X-Webhook-Event"] == "page.published"
    assert WebhookAttempt.objects.get().status_code == 200


def test_retry_with_backoff_after_receiver_fails(tree):
    with Receiver([500, 503, 200]) as receiver:
        WebhookEndpoint.objects.create(name="portal", url=receiver.url)
        tree.news()
        start = timezone.now()
        [first] = deliver_due(now=start)
        assert first.status == "pending" and first.attempts == 1
        assert first.next_attempt_at == start + datetime.timedelta(seconds=backoff(1))
        assert deliver_due(now=start) == []  # not due yet
        [second] = deliver_due(now=first.next_attempt_at)
        assert second.attempts == 2
        assert second.next_attempt_at - first.next_attempt_at == datetime.timedelta(seconds=backoff(2))
        assert backoff(2) == 2 * backoff(1)
        [third] = deliver_due(now=second.next_attempt_at)
    assert third.status == "delivered" and third.attempts == 3
    assert [a.status_code for a in WebhookAttempt.objects.all()] == [500, 503, 200]
    # the same event id every time, so receivers can de-duplicate
    assert len({h["X-Webhook-Id"] for h, _ in receiver.requests}) == 1


def test_unreachable_receiver_gives_up_after_max_attempts(tree, settings):
    settings.WEBHOOKS = {"MAX_ATTEMPTS": 2, "BACKOFF_BASE": 1, "TIMEOUT": 2}
    with Receiver() as receiver:
        url = receiver.url
    WebhookEndpoint.objects.create(name="gone", url=url)  # server closed: connection refused
    tree.news()
    moment = timezone.now()
    [first] = deliver_due(now=moment)
    assert first.status == "pending" and WebhookAttempt.objects.get().error
    [second] = deliver_due(now=moment + datetime.timedelta(seconds=5))
    assert second.status == "failed"


def test_a_failed_outbox_write_fails_the_publication(tree, monkeypatch):
    """The event is written with the publication or the publication does not happen: never lost."""
    from django.db import transaction

    from repository.models import NewsPage

    WebhookEndpoint.objects.create(name="portal", url="http://127.0.0.1:9/")
    page = tree.news(published=False)
    assert not page.live

    def explode(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(WebhookDelivery.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError, match="outbox down"), transaction.atomic():  # as ATOMIC_REQUESTS does
        publish(page)
    assert not NewsPage.objects.get(pk=page.pk).live
    assert not WebhookDelivery.objects.exists()
    monkeypatch.undo()
    publish(NewsPage.objects.get(pk=page.pk))
    assert NewsPage.objects.get(pk=page.pk).live
    assert WebhookDelivery.objects.filter(event="page.published").count() == 1


def test_management_command_drains(tree, capsys):
    with Receiver([200]) as receiver:
        WebhookEndpoint.objects.create(name="portal", url=receiver.url)
        tree.news()
        call_command("webhooks", "deliver")
    assert "delivered 1" in capsys.readouterr().out
    assert WebhookDelivery.objects.get().status == "delivered"


def test_page_added_under_unpublished_section_is_silent(tree):
    from repository.models import ItemPage

    WebhookEndpoint.objects.create(name="portal", url="http://127.0.0.1:9/")
    hidden = add(tree.group, ItemPage(title="ซ่อน", slug="hidden"), published=False)
    tree.news(hidden)
    assert not WebhookDelivery.objects.exists()
