"""Jiaoyun settings, read from the environment (see .env.example)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import ensure_private_dir, env_bool, env_int, env_list, env_str, secret_from_file_or_env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JIAOYUN_VAR_DIR", str(BASE_DIR / "var")))
# var/ holds the SQLite database, the generated keys, uploads and audit archives: owner-only (0700).
ensure_private_dir(VAR_DIR)

SECRET_KEY = secret_from_file_or_env("SECRET_KEY", VAR_DIR / "secret_key")
# Key material for ID-number encryption (SM4-GCM) and matching (HMAC-SM3); kept apart from SECRET_KEY
# so that rotating sessions never makes stored ID numbers unreadable.
DATA_KEY = secret_from_file_or_env("DATA_KEY", VAR_DIR / "data_key")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiaoyun.sqlite3'}")
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
except Exception as exc:  # dj_database_url raises several types
    raise ImproperlyConfigured(f"DATABASE_URL: cannot parse {_database_url!r}: {exc}") from exc
if _db["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured(f"DATABASE_URL: only sqlite and postgresql are supported, got {_db['ENGINE']}")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(str(_db["NAME"])).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
_db["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "")} if env_str("TEST_DATABASE_NAME", "") else {}
DATABASES = {"default": _db}
# Read replica (docs/scaling.md, ADR 0044), off by default: with DATABASE_REPLICA_URL (a PostgreSQL streaming
# replica of DATABASE_URL), the reporting pages and tasks listed below read from it (config/db_router.py); every
# write, every transaction and the sessions, accounts and task queue stay on the primary.
_replica_url = env_str("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_VIEWS = env_list(
    "DATABASE_REPLICA_VIEWS",
    [  # read-only reporting pages, where a figure a second old is as good as a fresh one
        *("indicators:dashboard", "indicators:area", "indicators:school", "indicators:drill", "indicators:export"),
        *("indicators:summary_pdf", "indicators:references", "bulletins:screen"),
        *("forecast:dashboard", "forecast:township", "forecast:export", "forecast:pdf"),
        *("standards:balance", "standards:school", "standards:report_pdf"),
    ],
)
DATABASE_REPLICA_TASKS = env_list("DATABASE_REPLICA_TASKS", [])
DATABASE_REPLICA_NEVER_APPS = ["sessions", "core", "auth", "contenttypes", "django_tasks_db", "admin"]
if _replica_url:
    try:
        _replica = dj_database_url.parse(_replica_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
    except Exception as exc:  # dj_database_url raises several types
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL: cannot parse {_replica_url!r}: {exc}") from exc
    if _replica["ENGINE"] != "django.db.backends.postgresql" or _db["ENGINE"] != _replica["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL: a replica needs PostgreSQL for both databases")
    # Tests run against the primary's test database through this alias (no second test database).
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    # First, so that its ``createsuperuser`` (password rules without bypass) replaces django.contrib.auth's.
    "jiaoyun.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # the API docs page from its bundled static files (no CDN: the CSP allows only this site)
    "django_tasks",
    "django_tasks_db",
    "jiaoyun.areas",
    "jiaoyun.schools",
    "jiaoyun.people",
    "jiaoyun.exchange",
    "jiaoyun.indicators",
    "jiaoyun.dropout",
    "jiaoyun.safety",
    "jiaoyun.teachers",
    "jiaoyun.learning",
    "jiaoyun.facilities",
    "jiaoyun.finance",
    "jiaoyun.standards",
    "jiaoyun.forecast",
    "jiaoyun.supervision",
    "jiaoyun.bulletins",
    "jiaoyun.notices",
    "jiaoyun.warning",
    "jiaoyun.quality",
    "jiaoyun.reports",
    "jiaoyun.web",
    "jiaoyun.demo",
]

MIDDLEWARE = [
    "jiaoyun.core.middleware.ScopeCacheMiddleware",  # each user's data scope read once per request
    "django.middleware.security.SecurityMiddleware",
    "jiaoyun.core.http_security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiaoyun.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",  # views that need no login: login_not_required
    "jiaoyun.core.middleware.SessionPolicyMiddleware",
    "jiaoyun.core.http_security.RequestSizeLimitMiddleware",
]
if _replica_url:
    MIDDLEWARE.append("config.db_router.ReplicaReadsMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["jiaoyun.core.auth.LockoutModelBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiaoyun" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jiaoyun.web.context.navigation",
                "jiaoyun.core.http_security.csp_nonce",
            ],
        },
    }
]

# 等保 2.0 application controls: password rules, lockout after failures, session limits, second factor.
# These are the defaults of the security policy; the security administrator's saved policy replaces them at run
# time (jiaoyun.core.security_policy; docs/security/identity.md).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8, minimum=8)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 2, minimum=2)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "jiaoyun.core.passwords.PolicyMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "jiaoyun.core.passwords.CharacterClassValidator"},
    {"NAME": "jiaoyun.core.passwords.NotSameAsOldValidator"},
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Per client address: this many failed logins within the window stop logins from that address.
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 20, minimum=1)
LOGIN_IP_WINDOW_MINUTES = env_int("LOGIN_IP_WINDOW_MINUTES", 15, minimum=1)
# Idle timeout (also the ceiling of the policy's) and absolute lifetime of a session from login.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12, minimum=1)
# Accounts without a login for this many days are deactivated by the daily job (0: never).
DORMANT_ACCOUNT_DAYS = env_int("DORMANT_ACCOUNT_DAYS", 90, minimum=0)
# Roles that log in with a TOTP code after the password (the three administrators and the county administrator).
SECOND_FACTOR_ROLES = env_list("SECOND_FACTOR_ROLES", ["system_admin", "security_admin", "audit_admin", "county_admin"])
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Transport and browser hardening (GB/T 22239-2019 8.1.4.7/8.1.4.8 integrity and confidentiality in transit):
# cookies only over HTTPS outside DEBUG, never readable by scripts, not sent on cross-site subrequests.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# HSTS: browsers keep to HTTPS for a year once they have seen it (sent only on HTTPS responses).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)  # usually the reverse proxy redirects
if env_bool("TRUST_X_FORWARDED_PROTO", False):  # behind a reverse proxy that terminates TLS and sets the header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (jiaoyun.core.http_security): scripts only from the site or with the request's nonce;
# inline style attributes are allowed (the templates and ECharts use them; they cannot run code).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
# Audit records are kept at least 180 days (网络安全法 第二十一条; GB/T 22239-2019 8.1.4.3): older ones are archived
# to AUDIT_ARCHIVE_DIR (manage.py audit_archive, nightly job) before they leave the table.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files hold nothing secret: in production collect them outside var/ (which is owner-only) for the web server.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Request bodies: form fields and JSON (xAPI batches of up to 1000 statements) at most DATA_UPLOAD_MAX_MB; any
# request at most UPLOAD_MAX_MB (refused with 413 before it is read); the data imports have their own limit
# (JIAOYUN["IMPORT_MAX_BYTES"], 300 MB by default) through UPLOAD_LARGE_VIEWS. Uploaded files above
# FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file, not held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
UPLOAD_LARGE_VIEWS = {
    "exchange:upload": "jiaoyun.exchange.conf.import_max_bytes",
    "api:preview": "jiaoyun.exchange.conf.import_max_bytes",
}
# The uploaded files kept by a module, purged by the nightly 剩余信息保护 job (core.files.uploads_purge):
# each a dotted path of ``purge(*, before: datetime) -> int`` owned by that module.
UPLOAD_PURGERS = ["jiaoyun.exchange.services.import_files_purge"]
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

TASKS: dict[str, dict] = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A task queue on Redis (docs/scaling.md, ADR 0044), off by default: TASKS_BACKEND=django_tasks_rq.RQBackend and
# TASKS_REDIS_URL; needs django-tasks-rq and django-rq installed, workers run `manage.py rqworker --job-class
# django_tasks_rq.Job`, and the periodic jobs move to cron (`manage.py schedule_jobs --run JOB`: they queue their
# next run in the database queue, ADR 0009).
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": env_str("TASKS_REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 3600}}

# Sessions and cache (docs/scaling.md): sessions in the database (the default) survive any web server; with
# CACHE_REDIS_URL the cache is Redis (redis-py needed) shared by every web server, and
# SESSION_ENGINE=django.contrib.sessions.backends.cached_db reads sessions from it, writing through to the database.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")
if env_str("CACHE_REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("CACHE_REDIS_URL", ""),
        }
    }

# Jiaoyun domain settings ([U] values from REFERENCE.md live here, not in code).
JIAOYUN = {
    "COUNTY_CODE": env_str("JIAOYUN_COUNTY_CODE", "530521"),
    # The statistics census date of a school year (month, day), e.g. the autumn 教育事业统计 date.
    "CENSUS_MONTH_DAY": (9, 30),
    # Compulsory-school entry: children aged 6 by 31 August enter grade 1.
    "ENTRY_CUTOFF_MONTH_DAY": (8, 31),
    "ENTRY_AGE": 6,
    # Audit entries older than this are archived, then deleted (at least 180: checked at start-up).
    "AUDIT_KEEP_DAYS": AUDIT_RETENTION_DAYS,
    "AUDIT_ARCHIVE_DIR": env_str("AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "jiaoyun.core.pagination.BoundedLimitOffsetPagination"
