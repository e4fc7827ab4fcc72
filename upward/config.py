"""Settings, read from the environment; every one is documented in the README."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def get_database_url(instance_path: str) -> str:
    """Return the SQLAlchemy URL from DATABASE_URL, defaulting to SQLite under instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'upward.db'}"
    # Hosting platforms hand out postgres:// URLs; we ship the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def get_secret_key(instance_path: str) -> str:
    """Return UPWARD_SECRET_KEY, or a key generated once and kept in the instance folder."""
    key = os.environ.get("UPWARD_SECRET_KEY")
    if key:
        return key
    # Workers on one machine must agree on the key, so it lives in a file, not in memory.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def is_true(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def get_config(instance_path: str) -> dict[str, object]:
    """Build the configuration mapping for create_app()."""
    https = is_true("UPWARD_HTTPS")
    redis_url = os.environ.get("REDIS_URL", "").strip()
    return {
        "SECRET_KEY": get_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": get_database_url(instance_path),
        "UPWARD_CONTENT_DIR": os.environ.get("UPWARD_CONTENT_DIR", str(ROOT / "content")),
        "UPWARD_PATHWAYS_DIR": os.environ.get("UPWARD_PATHWAYS_DIR", str(ROOT / "pathways")),
        "UPWARD_WATCH": is_true("UPWARD_WATCH", default=True),
        "UPWARD_HTTPS": https,
        "UPWARD_PROXIES": int(os.environ.get("UPWARD_PROXIES", 0)),
        "UPWARD_ARGON2_MEMORY_KIB": int(os.environ.get("UPWARD_ARGON2_MEMORY_KIB", 19456)),
        "UPWARD_ARGON2_TIME_COST": int(os.environ.get("UPWARD_ARGON2_TIME_COST", 2)),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": is_true("UPWARD_RATELIMIT", default=True),
        "RATELIMIT_HEADERS_ENABLED": True,
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
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        # The token is bound to the session, which is renewed at every login; a time limit
        # would only break a lesson page left open over lunch.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": https,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
