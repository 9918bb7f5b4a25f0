"""Settings shared by every environment. Values that differ come from config.env."""

import os

from config import env

BASE_DIR = env.BASE_DIR
VAR_DIR = env.VAR_DIR

# PyThaiNLP must never try to download a corpus at run time.
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

SECRET_KEY = env.env_str("SECRET_KEY")
DEBUG = env.env_bool("DEBUG", False)
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "repository",
    "repository.accounts",
    "repository.approvals",
    "repository.audit",
    "search",
    "api",
    "portal",
    "wagtail.api.v2",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "repository.accounts.users_app.AccountsUsersAppConfig",  # wagtail.users with full name and position
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "reversion",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "corsheaders",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Thai first.
LANGUAGE_CODE = "th"
# Our Thai catalogue (locale/th, compiled by `make setup`) comes before Wagtail's own.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("th", "ไทย"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("th", "ไทย")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("th", "ไทย"), ("en", "English")]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.env_str("STATIC_ROOT") or str(VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.env_str("MEDIA_ROOT") or str(VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = env.env_str("SITE_NAME", "คลังข้อมูลเผยแพร่ต่อสาธารณะ")
WAGTAILADMIN_BASE_URL = env.env_str("BASE_URL", "http://127.0.0.1:8000")
# Wagtail's database backend without its per-save pass over the whole index table (repository/wagtail_database.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "repository.wagtail_database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents are always served through Wagtail's view, so repository.documents decides who may download
# them (never a direct link into MEDIA_ROOT); the edit form refuses replacing a file in use.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "repository.document_forms.DocumentForm"
WAGTAIL_WORKFLOW_ENABLED = True
# The publication procedure (repository/approvals, docs/WORKFLOW.md): an edit after
# approval needs approval again, and a finished workflow publishes only the revision
# its three steps approved.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "repository.approvals.finish.publish_approved_revision"
# Unicode slugs drop Thai vowel and tone marks: slugs are romanised ASCII (repository/slugs.py,
# docs/WORKFLOW.md "Page addresses").
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
AUTH_USER_MODEL = "accounts.User"

SEARCH = env.search_config()
# The audit transparency log: checkpoint origin and signing key (outside the database); see docs/AUDIT.md.
AUDIT_LOG = env.audit_log_config()

SHARED_DIR = env.SHARED_DIR
NEWS_SAMPLE_PATH = SHARED_DIR / "data" / "thaigov-news-5k.jsonl.gz"
NEWS_FULL_PATH = SHARED_DIR / "data" / "thaigov-news-full.jsonl.xz"
SOURCE_ORDER_PATH = SHARED_DIR / "docs" / "order-224-2561-uthai-thani.th.txt"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Transparency disclosure repository API",
    "VERSION": "1.0.0",
    "PREPROCESSING_HOOKS": ["api.schema_hooks.only_public_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema_hooks.uri_too_long_everywhere",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "DESCRIPTION": "Headless delivery of public disclosures. See docs/API.md.",
}
# The delivery API (api/): anonymous rate limit ("600/min" style, empty for none),
# Cache-Control max-age for public reads, and at most how long the per-process memo keeps an answer
# (it is dropped at once by any publish/unpublish/move/delete or write; see api/state.py). The one
# default: the code reads these settings without a fallback of its own.
API_ANON_THROTTLE_RATE = env.env_str("API_ANON_THROTTLE_RATE", "600/min")
API_CACHE_MAX_AGE = env.env_int("API_CACHE_MAX_AGE", 60)
API_STATE_TTL = float(env.env_str("API_STATE_TTL", "60"))
# Wagtail API tokens older than this are refused (api/authentication.py).
API_TOKEN_MAX_AGE_DAYS = env.env_int("API_TOKEN_MAX_AGE_DAYS", 90)
# Whether detail and listing answers are memoised too (off: built from the database each time).
API_DOCUMENT_MEMO = env.env_bool("API_DOCUMENT_MEMO", True)

CORS_ALLOWED_ORIGINS = env.env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per background task run (reference index, admin search index) is noise.
        "django_tasks": {"level": "WARNING"},
    },
}
