"""HMAC-SHA256 signatures over the raw body, with a timestamp against replays.

Header: ``X-Webhook-Signature: t=<unix seconds>,v1=<hex>`` where
``hex = HMAC-SHA256(secret, f"{t}.".encode() + body)``. A receiver recomputes
it with :func:`verify` and rejects timestamps older than its tolerance.
"""

import hashlib
import hmac
import time

HEADER = "X-Webhook-Signature"


def sign(secret, body, timestamp=None):
    timestamp = int(time.time() if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret, body, header, tolerance=300, now=None):
    """True when ``header`` is a valid signature of ``body`` made within ``tolerance`` seconds."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (ValueError, KeyError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)
