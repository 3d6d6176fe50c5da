"""Small helpers to read settings from the environment (no third-party dependency)."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_VALUES


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def link_settings(*, default_scheme: str, default_port: str) -> tuple[str, str, str]:
    """(base domain, scheme, port) of the absolute links the platform writes.

    TREMPLIN_BASE_URL ("https://jeunes.example.fr", or "http://localhost:8103") gives the
    three; TREMPLIN_BASE_DOMAIN, TREMPLIN_URL_SCHEME and TREMPLIN_URL_PORT override one each.
    """
    from urllib.parse import urlsplit

    domain, scheme, port = "localhost", default_scheme, default_port
    base_url = os.environ.get("TREMPLIN_BASE_URL", "").strip()
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfigured(
                f"TREMPLIN_BASE_URL must look like https://jeunes.example.fr, got {base_url!r}."
            )
        domain, scheme, port = parts.hostname, parts.scheme, str(parts.port or "")
    return (
        env_str("TREMPLIN_BASE_DOMAIN", domain).lower().strip("."),
        env_str("TREMPLIN_URL_SCHEME", scheme),
        env_str("TREMPLIN_URL_PORT", port),
    )
