"""The one public base URL (``settings.PUBLIC_BASE_URL``, environment ``BASE_URL``) for absolute links.

Whatever host a request came in on (a proxy's internal name, ``127.0.0.1``, a forged ``Host``),
links the product writes — API links and canonical URLs, feed entries, the OIT answer sheet,
pagination, notification e-mails (Wagtail's ``WAGTAILADMIN_BASE_URL`` is the same setting) — start
with this URL. The default Wagtail Site's host name and port follow it after every ``migrate`` and
demo load (:func:`sync_default_site`), so Wagtail's own ``full_url`` agrees.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def base_url():
    """``https://disclosures.example.go.th`` (no trailing slash)."""
    return (getattr(settings, "PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def absolute(url):
    """``/api/v1/…`` → ``<base>/api/v1/…``; an absolute URL keeps its path and query but takes the base's
    scheme and host (DRF and Django build them from the request's ``Host``)."""
    if not url:
        return url
    base = urlsplit(base_url())
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return url
    prefix = base.path.rstrip("/")
    path = parts.path if parts.path.startswith(prefix + "/") or not prefix else prefix + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


def site_host_and_port():
    parts = urlsplit(base_url())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname or "localhost", port


def sync_default_site(**kwargs):
    """Make the default Wagtail Site answer at the configured base URL (a post_migrate receiver too)."""
    from wagtail.models import Site

    hostname, port = site_host_and_port()
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (hostname, port):
        if not Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
            site.hostname, site.port = hostname, port
            site.save(update_fields=["hostname", "port"])
    return site
