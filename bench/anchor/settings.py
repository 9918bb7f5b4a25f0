"""Settings of the bare Wagtail project (``bench/anchor``): Wagtail's defaults (its database search backend,
django-tasks' immediate backend), the database from ``DATABASE_URL`` as the product reads it."""

from config import env

SECRET_KEY = "bench-anchor-not-secret"  # noqa: S105  (a scratch project, never served)
DEBUG = False
ALLOWED_HOSTS = []
INSTALLED_APPS = [
    "bench.anchor",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = []
ROOT_URLCONF = "wagtail.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request"]}}]
DATABASES = {"default": env.database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Bangkok"
LANGUAGE_CODE = "th"
STATIC_URL = "/static/"
WAGTAIL_SITE_NAME = "anchor"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
