"""Settings from the environment, and production's refusal to run with a weak key."""

import pytest

from portal import create_app
from portal.config import (
    ConfigError,
    finalise,
    normalise_database_url,
    settings_from_environment,
)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.gov.uk")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.gov.uk")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "dev")
    with pytest.raises(ConfigError):
        create_app()


@pytest.mark.parametrize("base_url", ["", "http://portal.example.gov.uk"])
def test_production_refuses_to_start_without_an_https_base_url(monkeypatch, tmp_path,
                                                               base_url):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PORTAL_BASE_URL", base_url)
    with pytest.raises(ConfigError, match="PORTAL_BASE_URL"):
        create_app()


def test_production_starts_with_a_real_key_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.gov.uk")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_names_the_session_cookie_for_this_host_only(monkeypatch, tmp_path, app):
    """The __Host- prefix: browsers accept it only Secure, with Path=/ and no Domain."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.gov.uk")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    # The suite's database, which the session's app has migrated.
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    production = create_app()
    response = production.test_client().get("/sign-in",
                                            base_url="https://portal.example.gov.uk")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-portal_session=")
    assert "Secure" in cookie and "Path=/;" in cookie and "Domain" not in cookie


def test_development_keeps_the_plain_cookie_name_for_http(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    assert create_app().config["SESSION_COOKIE_NAME"] == "portal_session"


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert len(first) >= 32
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/portal")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("MAX_UPLOAD_MB", "10")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/portal"
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "files")
    assert app.config["MAX_UPLOAD_MB"] == 10
    assert app.config["MAX_CONTENT_LENGTH"] == (10 * 5 + 1) * 1024 * 1024


def test_postgresql_gets_a_pool_for_the_threads_and_a_ping(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/portal")
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_pre_ping": True, "hide_parameters": True, "pool_size": 4,
                       "max_overflow": 2}


def test_sqlite_keeps_sqlalchemys_own_pool(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert create_app().config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True,
                                                                "hide_parameters": True}


def test_engine_options_given_in_the_instance_file_win(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/portal")
    (tmp_path / "portal.cfg").write_text('SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 10}\n')
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_pre_ping": True, "hide_parameters": True, "pool_size": 10,
                       "max_overflow": 2}


def test_the_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.db'}"


def test_an_instance_file_overrides_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "portal.cfg").write_text('PRODUCT_NAME = "Academy Portfolio"\n')
    assert create_app().config["PRODUCT_NAME"] == "Academy Portfolio"


def test_a_bad_number_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MAX_UPLOAD_MB", "lots")
    with pytest.raises(ConfigError, match="MAX_UPLOAD_MB"):
        create_app()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def _development(monkeypatch, tmp_path, **settings):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


def test_files_stay_on_local_disk_by_default(monkeypatch, tmp_path):
    _development(monkeypatch, tmp_path)
    monkeypatch.delenv("FILE_STORAGE", raising=False)
    assert create_app().config["FILE_STORAGE"] == "local"


def test_s3_settings_come_from_the_environment(monkeypatch, tmp_path):
    _development(monkeypatch, tmp_path, FILE_STORAGE="S3", S3_BUCKET="council-portal",
                 S3_PREFIX="attachments/", S3_ENDPOINT_URL="https://s3.example.internal",
                 S3_REGION="eu-west-2", S3_SERVER_SIDE_ENCRYPTION="aws:kms",
                 S3_KMS_KEY_ID="alias/portal")
    config = create_app().config
    assert {name: config[name] for name in (
        "FILE_STORAGE", "S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION",
        "S3_SERVER_SIDE_ENCRYPTION", "S3_KMS_KEY_ID")} == {
        "FILE_STORAGE": "s3", "S3_BUCKET": "council-portal", "S3_PREFIX": "attachments/",
        "S3_ENDPOINT_URL": "https://s3.example.internal", "S3_REGION": "eu-west-2",
        "S3_SERVER_SIDE_ENCRYPTION": "aws:kms", "S3_KMS_KEY_ID": "alias/portal"}


@pytest.mark.parametrize(("settings", "complaint"), [
    ({"FILE_STORAGE": "ftp"}, "FILE_STORAGE must be one of local, s3"),
    ({"FILE_STORAGE": "s3"}, "S3_BUCKET must be set"),
    ({"FILE_STORAGE": "s3", "S3_BUCKET": "b", "S3_SERVER_SIDE_ENCRYPTION": "yes"},
     "S3_SERVER_SIDE_ENCRYPTION must be empty"),
])
def test_file_storage_settings_are_checked_at_start(monkeypatch, tmp_path, settings,
                                                    complaint):
    _development(monkeypatch, tmp_path, **settings)
    with pytest.raises(ConfigError, match=complaint):
        create_app()


def _production_on_s3(monkeypatch, tmp_path, **settings):
    _development(monkeypatch, tmp_path, PORTAL_ENV="production", SECRET_KEY="x" * 64,
                 PORTAL_BASE_URL="https://portal.example.gov.uk", FILE_STORAGE="s3",
                 S3_BUCKET="council-portal", **settings)


def test_several_servers_must_share_the_sign_in_throttle(monkeypatch, tmp_path):
    """Files in S3 mean several servers: counts kept in each process's memory would let
    each one allow its own five guesses."""
    _production_on_s3(monkeypatch, tmp_path, RATELIMIT_STORAGE_URI="memory://")
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app()


def test_several_servers_start_with_the_throttle_in_redis(monkeypatch, tmp_path):
    # Checked without create_app, which would point the one shared limiter at this Redis.
    _production_on_s3(monkeypatch, tmp_path,
                      RATELIMIT_STORAGE_URI="redis://redis.internal:6379/0")
    config = settings_from_environment(tmp_path)
    finalise(config, tmp_path)
    assert config["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"


def test_logs_are_json_in_production_and_text_in_development(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    assert settings_from_environment(tmp_path)["LOG_FORMAT"] == "json"
    monkeypatch.setenv("PORTAL_ENV", "development")
    assert settings_from_environment(tmp_path)["LOG_FORMAT"] == "text"
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert settings_from_environment(tmp_path)["LOG_FORMAT"] == "json"


def test_an_unknown_log_format_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        create_app()
