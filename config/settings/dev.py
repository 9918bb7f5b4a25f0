"""Local development: ``make run``. Never used in production."""

from config import env

from .base import *  # noqa: F403
from .base import SECRET_KEY

# On unless DEBUG=0: the Makefile loads the demo with it off, since Django's DEBUG keeps every SQL statement
# and, on SQLite, quotes each one's parameters with a query of its own (about a tenth of the import's time).
DEBUG = env.env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
