"""Production: everything from the environment, nothing defaulted that matters.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL. See docs/DEPLOY.md.
"""

from django.core.exceptions import ImproperlyConfigured

from config import env

from .base import *  # noqa: F403
from .base import DATABASES, SECRET_KEY

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 50 characters.")
if not env.env_str("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this site answers to.")

DEBUG = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Wagtail's live preview shows the page in a same-origin iframe of the admin,
# so frames stay allowed from the same origin (and only from it).
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

DATABASES["default"]["CONN_MAX_AGE"] = env.env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env.env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# The rate-limit counters, cached diffs and lock-out state must be shared by every process: Redis
# (REDIS_URL), or the database cache (CACHE_BACKEND=database, after `manage.py createcachetable`).
# Process memory is for a single process only (each gunicorn worker would count alone).
if env.env_str("REDIS_URL"):
    _cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.env_str("REDIS_URL")}
elif env.env_str("CACHE_BACKEND") == "database":
    _cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
else:
    _cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {"default": _cache}
