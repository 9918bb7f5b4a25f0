from django.urls import path

from . import views

urlpatterns = [
    path("forms/", views.form_list, name="form_list"),
    path("forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("forms/<int:pk>/pdf/", views.form_pdf, name="form_pdf"),
    path("pages/<int:page_id>/", views.page_forms, name="page_forms"),
    path("pages/<int:page_id>/submit/", views.submit_request, name="submit_request"),
    path("pages/<int:page_id>/override-publish/", views.override_publish, name="override_publish"),
]
