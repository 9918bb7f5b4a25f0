from tests.factories import shared_fixtures

from .builders import Site

shared_portal_site, site = shared_fixtures("site", Site, "The portal's site", "shared_portal_site")
