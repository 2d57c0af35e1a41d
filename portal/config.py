"""Settings read from the environment (and an optional instance file).

Every setting is documented in the README. Production is the default so that a server
started without configuration refuses to run with a guessable secret key; `make run`
sets PORTAL_ENV=development.
"""

import os
import secrets
from pathlib import Path

from portal.core.proxies import parse_networks
from portal.core.storage.s3 import ENCRYPTION_MODES

DEFAULT_MAX_UPLOAD_MB = 25
FILE_STORAGES = ("local", "s3")
LOG_FORMATS = ("json", "text")


class ConfigError(RuntimeError):
    """Raised when the portal is started with an unsafe or invalid configuration."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from error


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgres:// URLs (the form hosting platforms hand out)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret_key(instance_path: Path) -> str:
    """Generate once and keep a development key so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def settings_from_environment(instance_path: Path) -> dict:
    """Build the Flask config mapping from environment variables."""
    environment = os.environ.get("PORTAL_ENV", "production").strip().lower()
    if environment not in {"production", "development"}:
        raise ConfigError("PORTAL_ENV must be 'production' or 'development'")
    production = environment == "production"
    max_upload_mb = _env_int("MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    max_files = _env_int("MAX_FILES_PER_UPLOAD", 5)
    default_db = f"sqlite:///{instance_path / 'portal.db'}"
    return {
        "PORTAL_ENV": environment,
        "SECRET_KEY": os.environ.get("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", default_db)
        ),
        "FILE_STORAGE": os.environ.get("FILE_STORAGE", "local").strip().lower(),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance_path / "uploads")),
        # FILE_STORAGE=s3: credentials come from boto3's own chain (AWS_ACCESS_KEY_ID...).
        "S3_BUCKET": os.environ.get("S3_BUCKET", "").strip(),
        "S3_PREFIX": os.environ.get("S3_PREFIX", "").strip(),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", "").strip(),
        "S3_REGION": os.environ.get("S3_REGION", "").strip(),
        "S3_SERVER_SIDE_ENCRYPTION": os.environ.get("S3_SERVER_SIDE_ENCRYPTION", "").strip(),
        "S3_KMS_KEY_ID": os.environ.get("S3_KMS_KEY_ID", "").strip(),
        "MAX_UPLOAD_MB": max_upload_mb,
        "MAX_FILES_PER_UPLOAD": max_files,
        # Room for the most files one form may carry, plus the other form fields.
        "MAX_CONTENT_LENGTH": (max_upload_mb * max_files + 1) * 1024 * 1024,
        # Total size of one person's attached files.
        "ATTACHMENT_QUOTA_MB": _env_int("ATTACHMENT_QUOTA_MB", 500),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_IP": os.environ.get("LOGIN_LIMIT_PER_IP", "30 per 15 minutes"),
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "").rstrip("/"),
        "PRODUCT_NAME": os.environ.get("PRODUCT_NAME", "Social Work Progression Portal"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _env_int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "portal@localhost"),
        # console, smtp, notify (or none); unset: chosen from the settings given.
        "MAIL_PROVIDER": os.environ.get("MAIL_PROVIDER", "").strip().lower(),
        "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY", ""),
        "NOTIFY_TEMPLATE_ID": os.environ.get("NOTIFY_TEMPLATE_ID", ""),
        "NOTIFY_BASE_URL": os.environ.get("NOTIFY_BASE_URL",
                                          "https://api.notifications.service.gov.uk"),
        "INVITATION_DAYS": _env_int("INVITATION_DAYS", 7),
        # Evidence waiting longer than this for an assessor's feedback is a reminder.
        "FEEDBACK_DAYS": _env_int("FEEDBACK_DAYS", 10),
        # The hour (Europe/London) at which the daily reminders go out.
        "REMINDER_HOUR": _env_int("REMINDER_HOUR", 7),
        # Portal notifications are also emailed when an SMTP server is configured.
        "NOTIFY_BY_EMAIL": _env_bool("NOTIFY_BY_EMAIL", bool(
            os.environ.get("MAIL_SERVER") or os.environ.get("NOTIFY_API_KEY"))),
        # How long the administrator who asked may download a subject access export.
        "SUBJECT_ACCESS_DAYS": _env_int("SUBJECT_ACCESS_DAYS", 7),
        "PASSWORD_RESET_HOURS": _env_int("PASSWORD_RESET_HOURS", 2),
        # Retention schedule (docs/data-protection.md says why each default). A person's
        # records are erased this many years after they left the council.
        "RETENTION_AFTER_LEAVING_YEARS": _env_int("RETENTION_AFTER_LEAVING_YEARS", 6),
        "RETENTION_AUDIT_YEARS": _env_int("RETENTION_AUDIT_YEARS", 6),
        # Expired or used reset, invitation and outside feedback links.
        "RETENTION_LINK_DAYS": _env_int("RETENTION_LINK_DAYS", 30),
        "RETENTION_DRAFT_DAYS": _env_int("RETENTION_DRAFT_DAYS", 90),
        # Service administrators add councils: in production they must use an authenticator
        # app whatever their own council's rule (off in development, so the demo's opens).
        "TWO_FACTOR_FOR_SERVICE_ADMINISTRATORS": _env_bool(
            "TWO_FACTOR_FOR_SERVICE_ADMINISTRATORS", production),
        # Portfolio packs (PDF copies of a submission) are made again on request.
        "RETENTION_PACK_DAYS": _env_int("RETENTION_PACK_DAYS", 30),
        # Read notifications, and emails the outbox has finished with.
        "RETENTION_NOTICE_DAYS": _env_int("RETENTION_NOTICE_DAYS", 365),
        # The hour (Europe/London) of the daily retention run.
        "RETENTION_HOUR": _env_int("RETENTION_HOUR", 2),
        # The privacy notice: who the controller is and how to reach their DPO.
        "PRIVACY_CONTROLLER": os.environ.get("PRIVACY_CONTROLLER", "Your council"),
        "PRIVACY_DPO_EMAIL": os.environ.get("PRIVACY_DPO_EMAIL", ""),
        # How long a one-time feedback link for someone without an account works.
        "FEEDBACK_LINK_DAYS": _env_int("FEEDBACK_LINK_DAYS", 30),
        # How long a reassigned assessor still reads the work they assessed (read-only).
        "PREVIOUS_ASSESSOR_DAYS": _env_int("PREVIOUS_ASSESSOR_DAYS", 90),
        "TRUST_PROXY_HOPS": _env_int("TRUST_PROXY_HOPS", 0),
        # The proxies' own addresses (or networks): X-Forwarded-* from anyone else is ignored.
        "TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES", "127.0.0.1, ::1"),
        # Fernet keys for the secrets stored encrypted, newest first (portal.core.encryption);
        # unset, one is derived from SECRET_KEY.
        "DATA_ENCRYPTION_KEYS": os.environ.get("DATA_ENCRYPTION_KEYS", ""),
        # json: one JSON object a line (for a log collector); text: for people.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json" if production else "text")
        .strip().lower(),
        "SESSION_HOURS": _env_int("SESSION_HOURS", 12),
        "PAGE_SIZE": _env_int("PAGE_SIZE", 25),
        "REVIEW_WINDOW_DAYS": _env_int("REVIEW_WINDOW_DAYS", 28),
        # Few, explained links rather than tick-box tagging.
        "EVIDENCE_MAX_LINKS": _env_int("EVIDENCE_MAX_LINKS", 3),
        # Report downloads for the workforce board hide counts of people below this, so no
        # one can be picked out (0 hides nothing).
        "REPORT_SUPPRESS_UNDER": _env_int("REPORT_SUPPRESS_UNDER", 5),
        # Flask-WTF: a long reflection must not fail because the form is over an hour old.
        # The token is still bound to the signed session, which expires (SESSION_HOURS).
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # In production (see finalise) the name gets the __Host- prefix.
        "SESSION_COOKIE_NAME": SESSION_COOKIE,
        # A session ends SESSION_HOURS after sign-in (accounts.session checks the sign-in
        # time), so the cookie need not be re-signed and re-sent with every page.
        "SESSION_REFRESH_EACH_REQUEST": False,
    }


SESSION_COOKIE = "portal_session"
HOST_ONLY_PREFIX = "__Host-"


# gunicorn.conf.py runs 4 threads per worker: a connection each, and a little room for
# work a request leaves to run after its response (emails) before the pool makes one wait.
POSTGRES_POOL = {"pool_size": 4, "max_overflow": 2}


def engine_options(database_url: str) -> dict:
    """SQLAlchemy's engine settings for `database_url`: every pooled connection is checked
    before use (a restarted database is not an error page), errors never carry the values
    sent (they reach logs and error reports), and PostgreSQL's pool is sized
    for the threads that share it. psycopg keeps its own defaults (it prepares a statement
    on a connection once it has run five times)."""
    # hide_parameters: a database error is logged without the values sent with it
    # (reflections, notes, session tokens).
    options: dict = {"pool_pre_ping": True, "hide_parameters": True}
    if database_url.startswith("postgresql"):
        options.update(POSTGRES_POOL)
    return options


def check_file_storage(config) -> None:
    """FILE_STORAGE names a backend, and S3 has a bucket and a known encryption."""
    storage = config.get("FILE_STORAGE", "local")
    if storage not in FILE_STORAGES:
        raise ConfigError(f"FILE_STORAGE must be one of {', '.join(FILE_STORAGES)}, "
                          f"not {storage!r}")
    if storage != "s3":
        return
    if not config.get("S3_BUCKET"):
        raise ConfigError("S3_BUCKET must be set when FILE_STORAGE is s3")
    encryption = config.get("S3_SERVER_SIDE_ENCRYPTION", "")
    if encryption not in ENCRYPTION_MODES:
        raise ConfigError("S3_SERVER_SIDE_ENCRYPTION must be empty (the bucket's default), "
                          f"AES256 or aws:kms, not {encryption!r}")


def check_trusted_proxies(config) -> None:
    try:
        parse_networks(config.get("TRUSTED_PROXIES", ""))
    except ValueError as error:
        message = f"TRUSTED_PROXIES must list IP addresses or networks ({error})"
        raise ConfigError(message) from error


def check_encryption_keys(config) -> None:
    from cryptography.fernet import Fernet

    for key in filter(None, (k.strip() for k in config.get("DATA_ENCRYPTION_KEYS", "")
                             .split(","))):
        try:
            Fernet(key.encode())
        except ValueError as error:
            raise ConfigError(
                "DATA_ENCRYPTION_KEYS must be Fernet keys separated by commas (make one "
                "with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')") from error


def check_shared_throttle(config) -> None:
    """Files in S3 mean several servers: sign-in throttling counts kept in each process's
    memory would let an attacker multiply the allowed guesses by the number of processes."""
    if (config.get("FILE_STORAGE") == "s3" and config.get("RATELIMIT_ENABLED", True)
            and config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://")):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must point at a store every server shares (for example "
            "redis://redis.internal:6379/0) when FILE_STORAGE is s3")


def finalise(config, instance_path: Path) -> None:
    """Check the merged configuration and fill in development-only defaults."""
    # Settings given explicitly (instance file, tests) win over the defaults.
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(config["SQLALCHEMY_DATABASE_URI"]),
        **config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    check_file_storage(config)
    check_trusted_proxies(config)
    check_encryption_keys(config)
    if config.get("LOG_FORMAT", "text") not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be json or text, not {config['LOG_FORMAT']!r}")
    if config["PORTAL_ENV"] == "production" and config.get("SESSION_COOKIE_SECURE"):
        # The __Host- prefix makes the browser refuse the cookie unless it is Secure, for
        # this host only (no Domain) and for every path: a neighbouring subdomain cannot
        # plant or overwrite a session.
        config["SESSION_COOKIE_NAME"] = HOST_ONLY_PREFIX + SESSION_COOKIE
    if config.get("TESTING"):
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = secrets.token_hex(32)
        return
    if config["PORTAL_ENV"] == "production":
        if not config.get("PORTAL_BASE_URL", "").startswith("https://"):
            # Emailed links must never be built from the request's Host header.
            raise ConfigError(
                "PORTAL_BASE_URL must be set to the portal's public https:// address in "
                "production (for example: https://portal.council.gov.uk)"
            )
        key = config.get("SECRET_KEY") or ""
        if len(key) < 32 or key in {"change-me", "dev", "secret"}:
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production (for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        check_shared_throttle(config)
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _development_secret_key(instance_path)
