"""The reference public portal: Thai search and browse, built only on the public API (``/api/v1/``)."""
