"""Extensions, created once and bound to the app in create_app()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # db.Model is made at run time; to a type checker it is the declarative base it wraps.
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
# Checks the token of every POST before any view runs, so a button needs no form class.
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
