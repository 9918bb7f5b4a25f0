"""What every portal page shares: the API client, the emergency banner, navigation."""

import functools

from django.shortcuts import render

from ..api_client import ApiClient, ApiError
from ..banner import active_emergencies

UNAVAILABLE = {
    429: "มีคำขอจากเครื่องของท่านมากเกินไป กรุณารอสักครู่แล้วลองใหม่",
    503: "ระบบไม่พร้อมให้บริการชั่วคราว กรุณาลองใหม่อีกครั้ง",
}


def client_for(request):
    return ApiClient(request)


def render_page(request, client, template, context, status=200):
    context = {
        **context,
        "emergencies": active_emergencies(client),
    }
    response = render(request, template, context, status=status)
    # Pages show live data (the emergency banner at least): caches must revalidate.
    response["Cache-Control"] = "no-cache"
    return response


def not_found(request, client, message="ไม่พบหน้าที่ต้องการ หรือหน้านี้ไม่ได้เผยแพร่ต่อสาธารณะ"):
    return render_page(request, client, "portal/not_found.html", {"message": message}, status=404)


def api_errors(view):
    """Turn the API's "too many requests" and "unavailable" answers into a Thai page with the same status."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            if error.status not in UNAVAILABLE:
                raise
            response = render(request, "portal/unavailable.html", {"message": UNAVAILABLE[error.status]},
                              status=error.status)
            response["Retry-After"] = "30"
            return response

    return wrapper
