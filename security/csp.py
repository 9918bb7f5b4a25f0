"""django-csp's middleware with one exception: the Wagtail admin may run inline scripts.

The portal and the API docs run no inline script, so they get the strict policy of
``settings.CONTENT_SECURITY_POLICY``. Wagtail 8's page editor still writes small inline scripts
for its widgets (date choosers, inline panels, document choosers), so under ``/admin/`` (and
Django's admin) ``script-src`` also allows ``'unsafe-inline'``; everything else — no other origin,
no ``eval``, no framing by others, forms posting only here — stays as strict as elsewhere. That area
is behind a login, on the same origin; drop the exception once Wagtail's admin needs no inline script.
"""

from dataclasses import replace

from csp.middleware import CSPMiddleware

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_EXTRA = {"script-src": ["'unsafe-inline'"]}


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(ADMIN_PREFIXES):
            update = {**ADMIN_EXTRA, **(parts.update or {})}
            parts = replace(parts, update=update)
        return parts
