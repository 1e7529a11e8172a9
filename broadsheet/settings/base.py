"""Settings shared by every environment, all read from environment variables.

Each setting has its one default here; app code reads `settings.NAME` without a fallback.
Every variable read is documented in docs/configuration.md (tests/core/test_configuration_docs.py
holds the two lists equal).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from broadsheet.core import email_url
from broadsheet.core.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("BROADSHEET_DATA_DIR", "var")

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("BROADSHEET_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    # The admin with the newsroom dashboard as its home page (newsroom/admin_site.py).
    "broadsheet.newsroom.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    # django-ninja: its templates and static files serve the API docs page without a CDN.
    "ninja",
    # Article revisions (newsroom/revisions.py); its models are internal, never in the admin.
    "reversion",
    "broadsheet.core",
    "broadsheet.media",
    "broadsheet.newsroom",
    "broadsheet.search",
    "broadsheet.ingest",
    "broadsheet.wpimport",
    "broadsheet.discovery",
    "broadsheet.inbox",
    "broadsheet.audience",
    # django-anymail: the ESP backends and their tracking webhooks (bounces, complaints).
    "anymail",
    "broadsheet.readership",
    "broadsheet.edge",
    "broadsheet.site",
    "broadsheet.api",
    "broadsheet.demo",
    "broadsheet.runtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "broadsheet.edge.headers.SecurityHeadersMiddleware",
    "broadsheet.site.legacy.LegacyRedirectMiddleware",
    "broadsheet.edge.pagecache.PageCacheMiddleware",
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
    # Persistent connections, checked before reuse: a web node keeps one per request thread.
    # Behind PgBouncer in transaction mode set DATABASE_CONN_MAX_AGE=0 (docs/deploy.md).
    conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 600)
    config: dict = dict(dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True))
    if env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False):
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
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
            # Django's RedisCache, but a dead Redis reads as a miss (core/resilient_cache.py).
            "BACKEND": "broadsheet.core.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 3600,
            # Short timeouts: with Redis down, pages are rendered uncached instead of every
            # request hanging on a dead connection.
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1.0,
            },
        }
    }
else:
    # Shared by every server and worker process on this machine: one SQLite file in WAL mode
    # with a small per-process copy in front (core/cache.py says why not FileBasedCache).
    CACHES = {
        "default": {
            "BACKEND": "broadsheet.core.cache.SQLiteCache",
            "LOCATION": str(DATA_DIR / "cache" / "cache.sqlite3"),
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# The task queue: the database (claims with SKIP LOCKED on PostgreSQL), or RQ on Redis with
# BROADSHEET_TASKS=rq. `broadsheet worker` runs the matching worker.
BROADSHEET_TASKS = env_str("BROADSHEET_TASKS", "db").lower()
if BROADSHEET_TASKS == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("BROADSHEET_TASKS=rq needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env_str("RQ_REDIS_URL") or REDIS_URL, "DEFAULT_TIMEOUT": 900}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif BROADSHEET_TASKS == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(f"BROADSHEET_TASKS must be db or rq (got {BROADSHEET_TASKS!r}).")

# The admin login is throttled per user name and per address (broadsheet/core/login_throttle.py).
AUTHENTICATION_BACKENDS = [
    "broadsheet.core.login_throttle.ThrottledModelBackend",
    # Change and publish rights on one's own articles (Contributor, Author): grants only.
    "broadsheet.newsroom.permissions.OwnArticleBackend",
]

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
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible storage shared by every node (django-storages); keys come from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment, read by boto3 itself.
BROADSHEET_S3_BUCKET = env_str("BROADSHEET_S3_BUCKET")
if BROADSHEET_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BROADSHEET_S3_BUCKET,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": env_str("BROADSHEET_S3_PREFIX", "media"),
            "default_acl": None,
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = False
# The media library (broadsheet/media): the renditions' modern format beside the JPEG fallback
# (webp, or avif: smaller files, about ten times slower to make), the upload caps, and the days
# after which an image nothing refers to is deleted by the clean-up.
BROADSHEET_IMAGE_FORMAT = env_str("BROADSHEET_IMAGE_FORMAT", "webp").lower()
if BROADSHEET_IMAGE_FORMAT not in ("webp", "avif"):
    raise ImproperlyConfigured(
        f"BROADSHEET_IMAGE_FORMAT must be webp or avif (got {BROADSHEET_IMAGE_FORMAT!r})."
    )
BROADSHEET_IMAGE_MAX_BYTES = env_int("BROADSHEET_IMAGE_MAX_MB", 20) * 1024 * 1024
BROADSHEET_IMAGE_MAX_PIXELS = env_int("BROADSHEET_IMAGE_MAX_MEGAPIXELS", 50) * 1_000_000
BROADSHEET_MEDIA_ORPHAN_DAYS = env_int("BROADSHEET_MEDIA_ORPHAN_DAYS", 30)

# Email: sent only when EMAIL_HOST is given; otherwise messages are kept in the admin.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
BROADSHEET_CONTACT_EMAIL = env_str("BROADSHEET_CONTACT_EMAIL")
# The admin account `broadsheet init` creates; without a password one is generated and shown once.
BROADSHEET_ADMIN_USER = env_str("BROADSHEET_ADMIN_USER") or "admin"
BROADSHEET_ADMIN_PASSWORD = env_str("BROADSHEET_ADMIN_PASSWORD")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.dummy.EmailBackend"
)
# BROADSHEET_EMAIL_URL (smtp://, smtp+tls://user:pass@host:port, smtp+ssl://, console://) names
# how newsletters and confirmations leave; unset, with no EMAIL_HOST either, they are printed on
# the console so `make run` needs no configuration (the newsletter admin says so).
BROADSHEET_EMAIL_URL = env_str("BROADSHEET_EMAIL_URL")
if BROADSHEET_EMAIL_URL or not EMAIL_HOST:
    try:
        _email = email_url.parse(BROADSHEET_EMAIL_URL)
    except ValueError as exc:
        raise ImproperlyConfigured(f"BROADSHEET_EMAIL_URL: {exc}") from None
    EMAIL_BACKEND = _email.backend
    if not _email.is_console:
        EMAIL_HOST, EMAIL_PORT = _email.host, _email.port
        EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email.user, _email.password
        EMAIL_USE_TLS, EMAIL_USE_SSL = _email.use_tls, _email.use_ssl
# Any ESP through django-anymail (mailgun, postmark, sendgrid, amazon_ses, …): its API backend
# sends instead of SMTP, and its tracking webhook at /newsletter/esp/<esp>/tracking/ (signature
# checked by anymail) suppresses addresses that bounce or complain.
BROADSHEET_ANYMAIL_ESP = env_str("BROADSHEET_ANYMAIL_ESP").lower()
ANYMAIL: dict[str, str] = {}
if BROADSHEET_ANYMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{BROADSHEET_ANYMAIL_ESP}.EmailBackend"
    _esp = BROADSHEET_ANYMAIL_ESP.upper()
    ANYMAIL[f"{_esp}_API_KEY"] = env_str("BROADSHEET_ANYMAIL_API_KEY")
    ANYMAIL[f"{_esp}_WEBHOOK_SIGNING_KEY"] = env_str("BROADSHEET_ANYMAIL_WEBHOOK_SIGNING_KEY")
    if env_str("BROADSHEET_ANYMAIL_WEBHOOK_SECRET"):
        ANYMAIL["WEBHOOK_SECRET"] = env_str("BROADSHEET_ANYMAIL_WEBHOOK_SECRET")
# Newsletters: messages per second to the provider (its rate limit), send attempts before a
# delivery counts as failed, the daily digest's local time, and how long a signup link lasts.
BROADSHEET_NEWSLETTER_RATE = float(env_str("BROADSHEET_NEWSLETTER_RATE", "0") or 0)
BROADSHEET_NEWSLETTER_MAX_ATTEMPTS = env_int("BROADSHEET_NEWSLETTER_MAX_ATTEMPTS", 5)
# The first retry's wait after a temporary refusal (4xx); each later one doubles it.
BROADSHEET_NEWSLETTER_BACKOFF_SECONDS = env_int("BROADSHEET_NEWSLETTER_BACKOFF_SECONDS", 30)
BROADSHEET_NEWSLETTER_BATCH = env_int("BROADSHEET_NEWSLETTER_BATCH", 100)
# How long a worker's claim on a batch lasts without its heartbeat (a killed worker's unsent
# deliveries are taken over after this).
BROADSHEET_NEWSLETTER_LEASE_SECONDS = env_int("BROADSHEET_NEWSLETTER_LEASE_SECONDS", 120)
BROADSHEET_DIGEST_TIME = env_str("BROADSHEET_DIGEST_TIME", "06:30")
# The callable ranking the digest's candidate stories (docs/newsletters.md); empty: the default,
# sticky first, then story clusters and views, then newest.
BROADSHEET_DIGEST_RANKER = ""
BROADSHEET_SIGNUP_HOURS = env_int("BROADSHEET_SIGNUP_HOURS", 48)
BROADSHEET_SIGNUP_RATE = env_int("BROADSHEET_SIGNUP_RATE", 5)
# Web Push for breaking-news alerts (audience/vapid.py): the VAPID key pair, base64url (raw
# 32-byte private key; 65-byte public point). Unset, `broadsheet init` makes one under
# DATA_DIR and keeps it; the subject is the contact push services see (mailto: or https:).
BROADSHEET_VAPID_PRIVATE_KEY = env_str("BROADSHEET_VAPID_PRIVATE_KEY")
BROADSHEET_VAPID_PUBLIC_KEY = env_str("BROADSHEET_VAPID_PUBLIC_KEY")
BROADSHEET_VAPID_SUBJECT = env_str("BROADSHEET_VAPID_SUBJECT")
# How long a push service keeps an alert for a device that is offline (seconds).
BROADSHEET_PUSH_TTL = env_int("BROADSHEET_PUSH_TTL", 6 * 3600)
# Accept http:// push endpoints on loopback (tests, a local push server); never in production.
BROADSHEET_PUSH_ALLOW_LOOPBACK = env_bool("BROADSHEET_PUSH_ALLOW_LOOPBACK", False)

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

BROADSHEET_PAGE_CACHE = env_bool("BROADSHEET_PAGE_CACHE", True)
BROADSHEET_PAGE_CACHE_TTL = env_int("BROADSHEET_PAGE_CACHE_TTL", 300)
# Answer page-cache hits in the WSGI callable, before Django's handler (edge/fastpath.py).
BROADSHEET_WSGI_FAST_PATH = env_bool("BROADSHEET_WSGI_FAST_PATH", True)
BROADSHEET_SEARCH_DIR = DATA_DIR / "search"
# Does this node keep a search replica that follows the change log? Off on machines that only
# run task workers (see docs/deploy.md); days of change log kept for replicas to catch up.
BROADSHEET_SEARCH_REPLICA = env_bool("BROADSHEET_SEARCH_REPLICA", True)
BROADSHEET_SEARCH_LOG_DAYS = env_int("BROADSHEET_SEARCH_LOG_DAYS", 7)
BROADSHEET_SITE_URL = env_str("BROADSHEET_SITE_URL", f"http://127.0.0.1:{PORT}")
BROADSHEET_ALLOW_PRIVATE_NETWORKS = env_bool("BROADSHEET_ALLOW_PRIVATE_NETWORKS", False)
# New or changed entries one poll of one feed handles; the rest come in polls minutes apart.
BROADSHEET_INGEST_MAX_ENTRIES = env_int("BROADSHEET_INGEST_MAX_ENTRIES", 200)
# Seconds between the scheduler's ticks (enqueueing due feed sources); see runtime/scheduler.py.
BROADSHEET_SCHEDULER_INTERVAL = env_int("BROADSHEET_SCHEDULER_INTERVAL", 30)
# Dotted path of a callable(headline, text, sections) -> section slug or None, filing entries of
# "auto" sources. The default answers None (held for review) until `broadsheet classifier train`
# has written a model, and when its confidence is under BROADSHEET_CLASSIFIER_CONFIDENCE percent.
BROADSHEET_CLASSIFIER = env_str("BROADSHEET_CLASSIFIER") or "broadsheet.discovery.classifier.classify"
BROADSHEET_CLASSIFIER_CONFIDENCE = env_int("BROADSHEET_CLASSIFIER_CONFIDENCE", 50)
# Failed admin logins per user name or address before a lock (core/login_throttle.py).
BROADSHEET_LOGIN_ATTEMPTS = env_int("BROADSHEET_LOGIN_ATTEMPTS", 5)
# Contact and takedown submissions per address per window (inbox/submissions.py).
BROADSHEET_CONTACT_RATE = env_int("BROADSHEET_CONTACT_RATE", 3)
# Write calls per API token per minute (api/auth.py).
BROADSHEET_API_WRITE_RATE = env_int("BROADSHEET_API_WRITE_RATE", 60)
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
        # httpx logs every request at INFO; ingest logs what matters (failures, stored stories).
        "httpx": {"level": "WARNING"},
    },
}
