"""Who is asking: the real client's address, behind the number of proxies the operator trusts.

One rule for the login lock-out (django-axes), the API's rate limits (DRF) and the portal's
in-process API calls. ``TRUSTED_PROXY_COUNT`` (environment ``TRUSTED_PROXIES``) says how many
reverse proxies of ours stand in front of the application: 0 (the default) means clients connect
directly, and ``X-Forwarded-For`` is the client's own say-so, never believed; with N proxies the
address is the N-th from the right of ``X-Forwarded-For`` (what the outermost proxy of ours saw),
which a client cannot choose. DRF's ``NUM_PROXIES`` is set from the same setting.
"""

from django.conf import settings


def client_ip(request):
    """The address to count ``request`` against (``REMOTE_ADDR`` unless trusted proxies say otherwise)."""
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote_addr
    return hops[-min(proxies, len(hops))]
