"""The test suite: fast hashing, local memory e-mail, no DEBUG."""

from .base import *  # noqa: F403
from .base import SECRET_KEY

SECRET_KEY = SECRET_KEY or "test-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PUBLIC_BASE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The delivery API: the production memo (tests/conftest.py empties it before each test), no anonymous
# rate limit unless a test sets one.
API_ANON_THROTTLE_RATE = ""

# Tests marked serialized_rollback=True start from what migrations made; the audit trail (and the
# reversion revisions it seals) stays out of that copy: its append-only rows cannot be re-saved,
# and a flush empties them for every transactional test alike.
TEST_NON_SERIALIZED_APPS = ["repository.audit", "reversion"]
