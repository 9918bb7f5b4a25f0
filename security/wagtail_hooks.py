from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import login_attempts


@hooks.register("register_admin_urls")
def register_security_urls():
    return [
        path("login-attempts/", login_attempts.index, name="security_login_attempts"),
        path("login-attempts/<int:attempt_id>/unlock/", login_attempts.unlock, name="security_login_unlock"),
    ]


class LoginAttemptsMenuItem(MenuItem):
    def is_shown(self, request):
        return login_attempts.can_read(request.user)


@hooks.register("register_admin_menu_item")
def register_login_attempts_menu_item():
    return LoginAttemptsMenuItem("ความพยายามเข้าสู่ระบบ", reverse("security_login_attempts"), icon_name="lock",
                                 order=1150)
