"""What every portal page shares: the API client, the emergency banner, navigation."""

from django.shortcuts import render

from ..api_client import ApiClient
from ..banner import active_emergencies


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
