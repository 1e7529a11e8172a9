"""Settings shared by every environment, all read from environment variables.

DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, BROADSHEET_DATA_DIR, PORT and the
BROADSHEET_* switches are documented in docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from broadsheet.core.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("BROADSHEET_DATA_DIR", "var")

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("BROADSHEET_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "broadsheet.core",
    "broadsheet.newsroom",
    "broadsheet.search",
    "broadsheet.ingest",
    "broadsheet.site",
    "broadsheet.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "broadsheet.site.middleware.SecurityHeadersMiddleware",
    "broadsheet.site.pagecache.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "broadsheet.site.context_processors.site_chrome",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config: dict = dict(dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock when two processes write.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=10000;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA mmap_size=268435456;"
                "PRAGMA cache_size=-32000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'broadsheet.sqlite3'}"
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 3600,
        }
    }
else:
    # Shared by every server and worker process on this machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The admin login is throttled per user name and per address (broadsheet/site/login_throttle.py).
AUTHENTICATION_BACKENDS = ["broadsheet.site.login_throttle.ThrottledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

# Email: sent only when EMAIL_HOST is given; otherwise messages are kept in the admin.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
BROADSHEET_CONTACT_EMAIL = env_str("BROADSHEET_CONTACT_EMAIL")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.dummy.EmailBackend"
)

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

BROADSHEET_PAGE_CACHE = env_bool("BROADSHEET_PAGE_CACHE", True)
BROADSHEET_PAGE_CACHE_TTL = env_int("BROADSHEET_PAGE_CACHE_TTL", 300)
BROADSHEET_SEARCH_DIR = DATA_DIR / "search"
BROADSHEET_SITE_URL = env_str("BROADSHEET_SITE_URL", f"http://127.0.0.1:{PORT}")
BROADSHEET_ALLOW_PRIVATE_NETWORKS = env_bool("BROADSHEET_ALLOW_PRIVATE_NETWORKS", False)
# Dotted path of a callable(text) -> (section name, confidence) filing entries of "auto" sources.
BROADSHEET_CLASSIFIER = env_str("BROADSHEET_CLASSIFIER") or None
BROADSHEET_LOGIN_ATTEMPTS = env_int("BROADSHEET_LOGIN_ATTEMPTS", 5)
BROADSHEET_CONTACT_RATE = env_int("BROADSHEET_CONTACT_RATE", 3)
# How many reverse proxies sit in front of the web nodes; their X-Forwarded-For entries are
# trusted to find the client's address (rate limits would otherwise act site-wide).
BROADSHEET_TRUSTED_PROXIES = env_int("BROADSHEET_TRUSTED_PROXIES", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # trafilatura warns about every odd link on a page; its errors still show.
        "trafilatura": {"level": "ERROR"},
    },
}
