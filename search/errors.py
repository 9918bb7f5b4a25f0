"""Errors the search layer raises; callers map them to HTTP responses."""


class SearchError(Exception):
    """Base class of every search error."""


class InvalidQuery(SearchError, ValueError):
    """A search request that cannot be run; ``param`` names the offending parameter."""

    def __init__(self, message, param=None):
        super().__init__(message)
        self.message = message
        self.param = param

    def __str__(self):
        return f"{self.param}: {self.message}" if self.param else self.message


class SearchUnavailable(SearchError):
    """The search engine cannot be reached or failed; the request may be retried later."""
