"""Settings: one schema for every environment variable (each is documented in the README).

A bad value stops the start with every problem named at once; an UPWARD_* variable the schema
does not know is warned about, since it is most likely a typo.
"""

from __future__ import annotations

import difflib
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "UPWARD_"

log = logging.getLogger(__name__)


class Settings(BaseModel):
    """The environment variables Upward reads, with their types, bounds and defaults."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=False)

    DATABASE_URL: str = ""
    """SQLAlchemy URL; empty means SQLite under the instance folder."""
    REDIS_URL: str = ""
    """Rate-limit storage shared by every worker; empty keeps the counts in memory."""
    UPWARD_CONTENT_DIR: Path = ROOT / "content"
    UPWARD_PATHWAYS_DIR: Path = ROOT / "pathways"
    UPWARD_SECRET_KEY: str = ""
    UPWARD_WATCH: bool = True
    UPWARD_PARSE_CACHE: bool = True
    UPWARD_FRAGMENT_CACHE: bool = True
    UPWARD_HTTPS: bool = False
    UPWARD_PROXIES: int = Field(default=0, ge=0, le=10)
    UPWARD_RATELIMIT: bool = True
    UPWARD_ARGON2_MEMORY_KIB: int = Field(default=19456, ge=8)
    UPWARD_ARGON2_TIME_COST: int = Field(default=2, ge=1)
    UPWARD_BASE_URL: HttpUrl = HttpUrl("http://127.0.0.1:5000")
    """The site's address as people reach it: the start of every link in an email."""
    UPWARD_SMTP_HOST: str = ""
    """SMTP server; empty writes each message to the outbox folder and the log instead."""
    UPWARD_SMTP_PORT: int | None = Field(default=None, ge=1, le=65535)
    """Empty means 465 with ssl, else 587."""
    UPWARD_SMTP_TLS: Literal["starttls", "ssl", "none"] = "starttls"
    UPWARD_SMTP_USER: str = ""
    UPWARD_SMTP_PASSWORD: str = ""
    UPWARD_SMTP_TIMEOUT: float = Field(default=10, gt=0, le=120)
    UPWARD_MAIL_SENDER: str = "Upward <upward@localhost>"
    UPWARD_OUTBOX_DIR: Path | None = None
    """Where messages go without SMTP; empty means outbox/ in the instance folder."""

    @field_validator("DATABASE_URL")
    @classmethod
    def use_psycopg(cls, url: str) -> str:
        """Point postgres:// URLs (as hosting platforms hand them out) at the psycopg 3 driver."""
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url


class SettingsError(ValueError):
    """Some settings have bad values; `problems` names every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Validate the environment against the schema, reporting every bad value at once."""
    known = Settings.model_fields.keys()
    values = {name: environ[name].strip() for name in known if environ.get(name, "").strip()}
    warn_unknown(environ)
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        raise SettingsError([describe(problem, values) for problem in error.errors()]) from None


def describe(problem: Any, values: Mapping[str, str]) -> str:
    """Return one bad setting as 'NAME=value: what is wrong'."""
    name = str(problem["loc"][0])
    return f"{name}={values.get(name, '')!r}: {problem['msg']}"


def warn_unknown(environ: Mapping[str, str]) -> list[str]:
    """Log (and return) the UPWARD_* names the schema does not know, with a likely meaning."""
    known = [name for name in Settings.model_fields if name.startswith(PREFIX)]
    unknown = sorted(name for name in environ if name.startswith(PREFIX) and name not in known)
    for name in unknown:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        log.warning("unknown setting %s is ignored%s", name, hint)
    return unknown


def get_secret_key(settings: Settings, instance_path: str) -> str:
    """Return UPWARD_SECRET_KEY, or a key generated once and kept in the instance folder."""
    if settings.UPWARD_SECRET_KEY:
        return settings.UPWARD_SECRET_KEY
    # Workers on one machine must agree on the key, so it lives in a file, not in memory.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def get_config(
    instance_path: str, environ: Mapping[str, str] | None = None, *, secret_key: str | None = None
) -> dict[str, object]:
    """Build the Flask configuration from the environment (os.environ unless given)."""
    settings = load_settings(os.environ if environ is None else environ)
    https = settings.UPWARD_HTTPS
    return {
        "SECRET_KEY": secret_key or get_secret_key(settings, instance_path),
        "SQLALCHEMY_DATABASE_URI": settings.DATABASE_URL
        or f"sqlite:///{Path(instance_path) / 'upward.db'}",
        "UPWARD_CONTENT_DIR": str(settings.UPWARD_CONTENT_DIR),
        "UPWARD_PATHWAYS_DIR": str(settings.UPWARD_PATHWAYS_DIR),
        "UPWARD_WATCH": settings.UPWARD_WATCH,
        "UPWARD_PARSE_CACHE": settings.UPWARD_PARSE_CACHE,
        "UPWARD_FRAGMENT_CACHE": settings.UPWARD_FRAGMENT_CACHE,
        "UPWARD_HTTPS": https,
        "UPWARD_PROXIES": settings.UPWARD_PROXIES,
        "UPWARD_ARGON2_MEMORY_KIB": settings.UPWARD_ARGON2_MEMORY_KIB,
        "UPWARD_ARGON2_TIME_COST": settings.UPWARD_ARGON2_TIME_COST,
        "RATELIMIT_STORAGE_URI": settings.REDIS_URL or "memory://",
        "RATELIMIT_ENABLED": settings.UPWARD_RATELIMIT,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must never lock everyone out: count in memory meanwhile (logged), and
        # give up on a frozen Redis within a second instead of hanging the request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}
        if settings.REDIS_URL
        else {},
        # An anonymous 300 MB POST must not cost a worker 700 MB: 2 MB holds the longest
        # template filled in to every field's limit; 413 above it, before anything is parsed.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        "MAX_FORM_PARTS": 200,
        # Behind HTTPS the __Host- prefix makes browsers refuse the cookie unless it is Secure,
        # for this host only and for the whole site: a sibling subdomain can't plant one.
        "SESSION_COOKIE_NAME": "__Host-session" if https else "session",
        "REMEMBER_COOKIE_NAME": "__Host-remember_token" if https else "remember_token",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        # Sessions end 14 days after login however busy they are (an absolute lifetime), and
        # the cookie is only re-sent when the session changes, not on every response.
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 14,
        # The token is bound to the session, which is renewed at every login; a time limit
        # would only break a lesson page left open over lunch.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": https,
        # No ping on every checkout (a round trip per request): upward.database pings a
        # connection only when it has been idle in the pool for a while.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        **get_mail_config(settings, instance_path),
    }


def get_mail_config(settings: Settings, instance_path: str) -> dict[str, object]:
    """Return the mail settings: SMTP when UPWARD_SMTP_HOST is set, else a local outbox folder."""
    tls = settings.UPWARD_SMTP_TLS
    return {
        "UPWARD_BASE_URL": str(settings.UPWARD_BASE_URL).rstrip("/"),
        "UPWARD_SMTP_HOST": settings.UPWARD_SMTP_HOST,
        "UPWARD_SMTP_PORT": settings.UPWARD_SMTP_PORT or (465 if tls == "ssl" else 587),
        "UPWARD_SMTP_TLS": tls,
        "UPWARD_SMTP_USER": settings.UPWARD_SMTP_USER,
        "UPWARD_SMTP_PASSWORD": settings.UPWARD_SMTP_PASSWORD,
        "UPWARD_SMTP_TIMEOUT": settings.UPWARD_SMTP_TIMEOUT,
        "UPWARD_MAIL_SENDER": settings.UPWARD_MAIL_SENDER,
        "UPWARD_OUTBOX_DIR": str(settings.UPWARD_OUTBOX_DIR or Path(instance_path) / "outbox"),
    }
