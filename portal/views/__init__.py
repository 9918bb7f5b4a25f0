"""Portal pages: server-rendered views that read only the public API (see ``portal.api_client``)."""
