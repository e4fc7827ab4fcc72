"""Settings: validated by one schema, every bad value named at once, unknown names warned."""

from __future__ import annotations

import logging

import pytest

from tests.helpers import build_app
from upward import create_app
from upward.config import SettingsError, get_config, load_settings


def test_defaults_need_no_environment():
    settings = load_settings({})
    assert settings.UPWARD_PROXIES == 0
    assert settings.UPWARD_WATCH is True and settings.UPWARD_HTTPS is False


def test_values_are_coerced_and_blank_means_default():
    settings = load_settings(
        {"UPWARD_PROXIES": " 2 ", "UPWARD_HTTPS": "yes", "UPWARD_WATCH": "0", "REDIS_URL": ""}
    )
    assert settings.UPWARD_PROXIES == 2
    assert settings.UPWARD_HTTPS is True and settings.UPWARD_WATCH is False
    assert settings.REDIS_URL == ""


def test_every_bad_value_is_reported_at_once_with_its_name():
    environ = {"UPWARD_PROXIES": "two", "UPWARD_ARGON2_TIME_COST": "0", "UPWARD_WATCH": "maybe"}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    problems = caught.value.problems
    assert len(problems) == 3
    assert any(p.startswith("UPWARD_PROXIES='two': ") for p in problems)
    assert any(p.startswith("UPWARD_ARGON2_TIME_COST='0': ") for p in problems)
    assert any(p.startswith("UPWARD_WATCH='maybe': ") for p in problems)


def test_the_app_refuses_to_start_on_bad_settings_naming_each(monkeypatch):
    monkeypatch.setenv("UPWARD_PROXIES", "1O")
    monkeypatch.setenv("UPWARD_ARGON2_MEMORY_KIB", "-5")
    with pytest.raises(SystemExit) as caught:
        create_app()
    message = str(caught.value)
    assert "some settings are wrong" in message
    assert "UPWARD_PROXIES='1O'" in message and "UPWARD_ARGON2_MEMORY_KIB='-5'" in message


def test_unknown_upward_names_are_warned_with_a_suggestion(caplog):
    with caplog.at_level(logging.WARNING, logger="upward.config"):
        load_settings({"UPWARD_PROXYS": "1", "UPWARD_HTTPS": "1", "HOME": "/root"})
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["unknown setting UPWARD_PROXYS is ignored (did you mean UPWARD_PROXIES?)"]


def test_postgres_urls_use_the_psycopg_driver(tmp_path):
    config = get_config(str(tmp_path), {"DATABASE_URL": "postgres://u@db/upward"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/upward"
    sqlite = get_config(str(tmp_path), {})
    assert str(sqlite["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite:///")


def test_test_config_replaces_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("UPWARD_HTTPS", "1")
    monkeypatch.setenv("UPWARD_PROXIES", "not a number")
    monkeypatch.setenv("UPWARD_ARGON2_TIME_COST", "9")
    gen = build_app(tmp_path)
    app = next(gen)
    assert app.config["UPWARD_HTTPS"] is False
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["UPWARD_PROXIES"] == 0
    assert app.config["UPWARD_ARGON2_TIME_COST"] == 1  # the test mapping's own value
    gen.close()
