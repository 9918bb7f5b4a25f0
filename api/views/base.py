"""What every API view shares: problem details, throttling, auth, conditional GETs."""

from django.db import transaction
from django.http import Http404
from django.utils.cache import patch_vary_headers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from .. import caching, state
from ..authentication import WagtailTokenAuthentication
from ..exceptions import PROBLEM_CONTENT_TYPE, ParameterError, exception_handler
from ..params import check_known
from ..throttling import API_THROTTLES

READS = ("GET", "HEAD", "OPTIONS")
# Set in the WSGI environ by an in-process caller (the portal, portal/api_client.py): the data is
# handed back unrendered, and ``THROTTLED`` says the visitor's token for this page is spent. A client
# cannot set either: request headers arrive as HTTP_* keys.
IN_PROCESS = "api.in_process"
THROTTLED = "api.throttled"


class _AnsweredEarly(Exception):
    """``If-Modified-Since`` alone already decided the answer (a 304): nothing is built."""

    def __init__(self, response):
        super().__init__()
        self.response = response


class ApiView(APIView):
    """Base of every v1 view.

    ``query_params`` lists the parameters the view accepts (anything else is a
    400 naming it); ``public_cache`` chooses ``Cache-Control``; reads get ETag
    and Last-Modified and may answer 304.
    """

    # A bearer token first: a request without valid credentials is then a 401 saying "Bearer".
    authentication_classes = [WagtailTokenAuthentication, SessionAuthentication, TokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = API_THROTTLES
    renderer_classes = [JSONRenderer]
    # No OPTIONS metadata (CORS preflights are answered by the middleware before any view).
    metadata_class = None
    query_params = ()
    public_cache = True
    # Output that depends on who asks (history, audit) must say so to caches.
    varies_by_user = False
    # Whether the output changes only with the repository's content (Last-Modified, 304); the audit log's
    # checkpoints and proofs change on their own.
    follows_repository = True

    @classmethod
    def as_view(cls, **initkwargs):
        # No ATOMIC_REQUESTS transaction around reads (they write nothing: the throttle
        # counts in the cache); dispatch() opens one for any other method.
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        if request.method in READS:
            # The repository's generation is read once for the whole request.
            with state.one_generation():
                return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def get_throttles(self):
        if self.request.META.get(THROTTLED):
            return []
        return super().get_throttles()

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_known(request.query_params, set(self.query_params))
        if request.method in ("GET", "HEAD") and not self.varies_by_user and self.follows_repository:
            self._last_modified = caching.last_modified()
            answer = caching.answer_before_rendering(request, self._last_modified, self.public_cache)
            if answer is not None and answer.status_code == 412:
                raise caching.PreconditionFailed()
            if answer is not None:
                raise _AnsweredEarly(answer)

    def handle_exception(self, exc):
        if isinstance(exc, _AnsweredEarly):
            return exc.response
        if getattr(getattr(self, "request", None), "method", None) not in READS:
            return super().handle_exception(exc)
        # DRF marks the enclosing transaction for rollback when it answers an error. A read
        # wrote nothing to undo and must not doom the transaction of whoever called it
        # in-process (the portal, a test); database errors are not answered here and still do.
        connection = transaction.get_connection()
        doomed = connection.needs_rollback
        response = super().handle_exception(exc)
        if connection.in_atomic_block:
            transaction.set_rollback(doomed)
        return response

    def last_modified_for(self, request):
        return getattr(self, "_last_modified", None)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            raise ParameterError("format", "Unsupported 'format'; this endpoint offers: "
                                 + ", ".join(r.format for r in self.get_renderers()) + ".") from None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and hasattr(response, "accepted_renderer"):
            # Problems are always JSON, whatever format the client asked for.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = PROBLEM_CONTENT_TYPE
        if request.META.get(IN_PROCESS):
            return response
        if self.varies_by_user:
            patch_vary_headers(response, ("Authorization", "Cookie"))
        if request.method in ("GET", "HEAD") and response.status_code == 200 and hasattr(response, "render"):
            response.render()
            public = self.public_cache and not (self.varies_by_user and request.user.is_authenticated)
            answer = caching.apply_validators(request, response, self.last_modified_for(request), public)
            if answer.status_code == 412:
                return self.finalize_response(request, self.handle_exception(caching.PreconditionFailed()))
            return answer
        return response
