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
    "security",
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
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
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
    "security.csp.SiteCSPMiddleware",  # django-csp; the admin's exception in security/csp.py
    # Last, as django-axes asks: it answers a locked-out login with the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# --- who is asking, and login protection -------------------------------------------------------
# How many reverse proxies of ours stand in front (0: clients connect directly). One rule for the
# lock-out and the rate limits: security/clients.py. DRF's NUM_PROXIES is set from it below.
TRUSTED_PROXY_COUNT = env.env_int("TRUSTED_PROXIES", 0)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After AXES_FAILURE_LIMIT failed logins a user name is locked (from any address) and so is an
# address (for any user name), until the cool-off passes or an administrator unlocks it
# (the Wagtail admin's "ความพยายามเข้าสู่ระบบ" area, or Django's admin). Every failure is logged.
AXES_FAILURE_LIMIT = env.env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.env_int("LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "security.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "security.login_attempts.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False

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

# One public base URL for every absolute link the product writes: API links, canonical URLs,
# feeds, the OIT sheet, notification e-mails (Wagtail's WAGTAILADMIN_BASE_URL) and the default
# Wagtail Site, which follows it after every migrate and demo load (repository/public_url.py).
PUBLIC_BASE_URL = env.env_str("BASE_URL", "http://127.0.0.1:8000").rstrip("/")

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
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
# The admin's search: Wagtail's database backend without its per-save pass over the whole index table
# (repository/wagtail_database.py), its text and queries cut into Thai words (search/admin_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.admin_backend"}}
# Wagtail's reference-index and the admin search's per-save tasks run at once, except inside an import
# batch, where each object's runs once at the batch's end (repository/task_backend.py).
TASKS = {"default": {"BACKEND": "repository.task_backend.ImmediateOrDeferredBackend"}}
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
# Draftail, with a body that is not its JSON answered 400 instead of 500 (security/richtext.py).
WAGTAILADMIN_RICH_TEXT_EDITORS = {"default": {"WIDGET": "security.richtext.DraftailRichTextArea"}}
AUTH_USER_MODEL = "accounts.User"

SEARCH = env.search_config()
# The audit transparency log: checkpoint origin and signing key (outside the database); see docs/AUDIT.md.
AUDIT_LOG = env.audit_log_config()

SHARED_DIR = env.SHARED_DIR
NEWS_SAMPLE_PATH = SHARED_DIR / "data" / "thaigov-news-5k.jsonl.gz"
NEWS_FULL_PATH = SHARED_DIR / "data" / "thaigov-news-full.jsonl.xz"
SOURCE_ORDER_PATH = SHARED_DIR / "docs" / "order-224-2561-uthai-thani.th.txt"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.PublicAutoSchema",
    # Every DRF view (v1, Wagtail's v2, the schema) is rate limited; see api/throttling.py.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle", "api.throttling.AuthenticatedRateThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # API tokens are recognised on v2 too, so their holders get the authenticated rate there as well.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.WagtailTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Transparency disclosure repository API",
    "VERSION": "1.0.0",
    "PREPROCESSING_HOOKS": ["api.schema_hooks.only_public_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema_hooks.feeds",
        "api.schema_hooks.uri_too_long_everywhere",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the project's own static files (drf-spectacular-sidecar): no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DESCRIPTION": (
        "Public disclosures of Thai government agencies (ITA): pages by path or id, listings with filters, "
        "Thai full-text search, each page's published versions and word diffs, what was public at a past "
        "moment (`as_of`), OIT answer sheets, and RSS/Atom feeds. Everything here is what the public may "
        "see; auditors authenticate (token or session) for the whole audit trail.\n\n"
        "**Errors** are RFC 7807 problem documents (`application/problem+json`): `status`, `title`, `detail`, "
        "and `param` naming a bad query parameter. Unknown parameters are refused, not ignored.\n\n"
        "**Caching**: reads carry `ETag` and `Last-Modified` and answer `If-None-Match` / "
        "`If-Modified-Since` with 304.\n\n"
        "**Limits**: requests are rate limited per client address (higher, per user, for authenticated "
        "clients); over the limit the answer is 429 with `Retry-After`. Pages hold at most 100 rows "
        "(`per_page`); a list parameter takes at most 100 values (`fields` and `expand` each name once); "
        "a diff of versions larger than the server's limit, or a whole-site past listing of a very large "
        "repository, is a 422 whose `detail` says how to ask for less."
    ),
}
# The delivery API (api/): rate limits ("600/min" style, empty for none) for anonymous clients
# (per address) and authenticated ones (per user, higher), Cache-Control max-age for public reads,
# and at most how long the per-process memo keeps an answer (it is dropped at once by any
# publish/unpublish/move/delete, write or expiry; see api/state.py). The one default: the code reads
# these settings without a fallback of its own.
API_ANON_THROTTLE_RATE = env.env_str("API_ANON_THROTTLE_RATE", "600/min")
API_USER_THROTTLE_RATE = env.env_str("API_USER_THROTTLE_RATE", "3000/min")
API_CACHE_MAX_AGE = env.env_int("API_CACHE_MAX_AGE", 60)
API_STATE_TTL = float(env.env_str("API_STATE_TTL", "60"))
# Wagtail API tokens older than this are refused (api/authentication.py).
API_TOKEN_MAX_AGE_DAYS = env.env_int("API_TOKEN_MAX_AGE_DAYS", 90)
# Whether detail and listing answers are memoised too (off: built from the database each time).
API_DOCUMENT_MEMO = env.env_bool("API_DOCUMENT_MEMO", True)

# Bounded costs of public reads (api/limits.py): the largest version body (characters of its public
# text) a diff compares, and how many rows a whole-site ``as_of`` listing may build.
API_DIFF_MAX_CHARS = env.env_int("API_DIFF_MAX_CHARS", 200_000)
API_AS_OF_MAX_ROWS = env.env_int("API_AS_OF_MAX_ROWS", 20_000)

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

# Content-Security-Policy (django-csp) for the portal, the Wagtail admin and the API docs: only the
# site's own scripts, styles, fonts and images. Inline style attributes stay allowed because the
# Wagtail admin and Swagger UI set them from their scripts; no inline script runs on the portal or the
# docs (the Wagtail admin's widgets still need them: security/csp.py allows them under /admin/ only).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
