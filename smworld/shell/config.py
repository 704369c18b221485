"""One typed, frozen configuration object, built once from CLI flags and ``SMWORLD_*`` variables.

Nothing else in the shell reads the environment. A malformed value fails loudly at start-up with
the variable's name (:class:`ConfigError`), never later inside a request.

Precedence: explicit overrides (CLI flags) > environment > defaults.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["LOG_LEVELS", "USAGE_KINDS", "Config", "ConfigError", "RateLimit", "unknown_variables"]

USAGE_KINDS: tuple[str, ...] = ("generation", "session", "session_seconds", "edit", "say", "tts")
"""The metered kinds (``api.md``); a cap of 0 means unlimited."""

_DEFAULT_CAPS = {
    "generation": 1000,
    "session": 10000,
    "session_seconds": 0,
    "edit": 1000,
    "say": 10000,
    "tts": 10000,
}


LOG_LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
"""What ``SMWORLD_LOG_LEVEL`` accepts (any case); the standard library's aliases work too."""

_CAP_PREFIX = "SMWORLD_CAP_"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable and what it expects."""


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``burst`` requests at once, refilled at ``per_second``. ``per_second`` 0 disables it."""

    per_second: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_second > 0 and self.burst > 0


@dataclass(frozen=True)
class Config:
    """Everything the shell can be told. Defaults suit a laptop: one SQLite file under ``var/``."""

    host: str = "127.0.0.1"
    port: int = 8080
    db: Path = Path("var/smworld.db")
    jwt_secret: str | None = None
    """HS256 secret for user JWTs; None → generated on first start and kept in the database."""
    jwt_audience: str | None = None
    """When set, user JWTs must carry this ``aud`` (e.g. ``authenticated`` for an external IdP)."""
    max_body_bytes: int = 5 * 1024 * 1024
    body_timeout_s: float = 30.0
    """How long a request body may take to arrive before the request is refused (a stalled client)."""
    rate_test: RateLimit = RateLimit(per_second=100.0, burst=200)
    rate_live: RateLimit = RateLimit(per_second=50.0, burst=100)
    default_caps: Mapping[str, int] = field(default_factory=lambda: dict(_DEFAULT_CAPS))
    sqlite_synchronous: Literal["full", "normal"] = "full"
    """``full`` makes an acknowledged write survive power loss; ``normal`` only process crashes."""
    idempotency_ttl_s: int = 24 * 3600
    idempotency_lock_s: int = 120
    """How long an in-flight idempotent request holds its key before a retry may take it over."""
    reservation_ttl_s: int = 900
    """How long a quota reservation may stay unspent before it counts as abandoned (its process
    died mid-work) and is refunded — at start-up and by the worker's periodic sweep."""
    response_cache_bytes: int = 32 * 1024 * 1024
    """Size of the per-process cache of encoded world reads (scene, world document) by exact
    version; 0 turns it off."""
    world_cache_bytes: int = 128 * 1024 * 1024
    """Bound of the per-process cache of decoded world documents by exact ``(rev, meta_rev)``,
    counted in stored document bytes (a decoded world takes about three times that); 0 turns it off."""
    job_max_attempts: int = 3
    shutdown_timeout_s: float = 10.0
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Defaults, then ``SMWORLD_*`` from ``environ`` (default ``os.environ``), then ``overrides``.

        Overrides whose value is None are ignored (so argparse defaults of None fall through).
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, (variable, parse) in _ENV.items():
            raw = env.get(variable)
            if raw is not None and raw != "":
                try:
                    values[name] = parse(raw)
                except (TypeError, ValueError) as exc:
                    raise ConfigError(f"{variable}={raw!r}: {exc}") from None
        caps = dict(_DEFAULT_CAPS)
        for variable in sorted(env):
            if variable.startswith(_CAP_PREFIX) and variable not in _cap_variables():
                hint = _did_you_mean(variable, _cap_variables(), _CAP_PREFIX)
                raise ConfigError(f"{variable}: unknown usage kind{hint}; known: {', '.join(_cap_variables())}")
        for kind in USAGE_KINDS:
            variable = f"SMWORLD_CAP_{kind.upper()}"
            if env.get(variable):
                try:
                    caps[kind] = _parse_int(env[variable], minimum=0)
                except ValueError as exc:
                    raise ConfigError(f"{variable}={env[variable]!r}: {exc}") from None
        values["default_caps"] = caps
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        """Refuse impossible combinations (raises :class:`ConfigError`)."""
        if not 0 < self.port < 65536:
            raise ConfigError(f"port {self.port}: expected 1..65535")
        if self.max_body_bytes < 1024:
            raise ConfigError(f"max_body_bytes {self.max_body_bytes}: expected at least 1024")
        if self.body_timeout_s <= 0:
            raise ConfigError(f"body_timeout_s {self.body_timeout_s}: expected more than 0 seconds")
        if self.reservation_ttl_s < 1:
            raise ConfigError(f"reservation_ttl_s {self.reservation_ttl_s}: expected at least 1 second")
        if self.response_cache_bytes < 0:
            raise ConfigError(f"response_cache_bytes {self.response_cache_bytes}: expected 0 (off) or more")
        if self.world_cache_bytes < 0:
            raise ConfigError(f"world_cache_bytes {self.world_cache_bytes}: expected 0 (off) or more")
        if self.sqlite_synchronous not in ("full", "normal"):
            raise ConfigError(f"sqlite_synchronous {self.sqlite_synchronous!r}: expected full or normal")
        if self.jwt_secret is not None and len(self.jwt_secret.encode()) < 32:
            raise ConfigError("SMWORLD_JWT_SECRET: expected at least 32 bytes (HS256 needs a 256-bit key)")
        if self.log_level not in logging.getLevelNamesMapping():
            raise ConfigError(f"log_level {self.log_level!r}: expected one of {', '.join(LOG_LEVELS)}")
        unknown = set(self.default_caps) - set(USAGE_KINDS)
        if unknown:
            raise ConfigError(f"default_caps: unknown kinds {sorted(unknown)}; known: {list(USAGE_KINDS)}")

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (tests build variants this way)."""
        config = dataclasses.replace(self, **changes)
        config.check()
        return config

    def rate_limit(self, mode: str) -> RateLimit:
        return self.rate_live if mode == "live" else self.rate_test

    def caps(self, overrides: Mapping[str, int]) -> dict[str, int]:
        """An app's effective daily caps: these defaults, with the app's own ``overrides`` on top."""
        return {**self.default_caps, **overrides}


def _parse_int(raw: str, minimum: int | None = None) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError("expected an integer") from None
    if minimum is not None and value < minimum:
        raise ValueError(f"expected an integer >= {minimum}")
    return value


def _parse_rate(raw: str) -> RateLimit:
    """``PER_SECOND:BURST`` (e.g. ``50:100``); ``0`` disables the limit."""
    text = raw.strip()
    if text in ("0", "off"):
        return RateLimit(0.0, 0)
    per_second, sep, burst = text.partition(":")
    if not sep:
        raise ValueError("expected PER_SECOND:BURST, e.g. 50:100, or 0 to disable")
    try:
        rate = RateLimit(float(per_second), int(burst))
    except ValueError:
        raise ValueError("expected PER_SECOND:BURST with numbers, e.g. 50:100") from None
    if rate.per_second < 0 or rate.burst < 0:
        raise ValueError("expected non-negative numbers")
    return rate


def _parse_sync(raw: str) -> str:
    value = raw.strip().lower()
    if value not in ("full", "normal"):
        raise ValueError("expected full or normal")
    return value


def _parse_float(raw: str) -> float:
    value = float(raw)
    if value < 0:
        raise ValueError("expected a non-negative number")
    return value


def _nonempty(raw: str) -> str:
    return raw


def _parse_log_level(raw: str) -> str:
    value = raw.strip().upper()
    if value not in logging.getLevelNamesMapping():
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
    return value


_ENV: dict[str, tuple[str, Callable[[str], Any]]] = {
    "host": ("SMWORLD_HOST", _nonempty),
    "port": ("SMWORLD_PORT", lambda raw: _parse_int(raw, minimum=1)),
    "db": ("SMWORLD_DB", Path),
    "jwt_secret": ("SMWORLD_JWT_SECRET", _nonempty),
    "jwt_audience": ("SMWORLD_JWT_AUDIENCE", _nonempty),
    "max_body_bytes": ("SMWORLD_MAX_BODY_BYTES", lambda raw: _parse_int(raw, minimum=1024)),
    "body_timeout_s": ("SMWORLD_BODY_TIMEOUT", _parse_float),
    "rate_test": ("SMWORLD_RATE_LIMIT_TEST", _parse_rate),
    "rate_live": ("SMWORLD_RATE_LIMIT_LIVE", _parse_rate),
    "sqlite_synchronous": ("SMWORLD_SQLITE_SYNCHRONOUS", _parse_sync),
    "idempotency_ttl_s": ("SMWORLD_IDEMPOTENCY_TTL", lambda raw: _parse_int(raw, minimum=1)),
    "reservation_ttl_s": ("SMWORLD_RESERVATION_TTL", lambda raw: _parse_int(raw, minimum=1)),
    "response_cache_bytes": ("SMWORLD_RESPONSE_CACHE_BYTES", lambda raw: _parse_int(raw, minimum=0)),
    "world_cache_bytes": ("SMWORLD_WORLD_CACHE_BYTES", lambda raw: _parse_int(raw, minimum=0)),
    "job_max_attempts": ("SMWORLD_JOB_MAX_ATTEMPTS", lambda raw: _parse_int(raw, minimum=1)),
    "shutdown_timeout_s": ("SMWORLD_SHUTDOWN_TIMEOUT", _parse_float),
    "log_level": ("SMWORLD_LOG_LEVEL", _parse_log_level),
}


def _cap_variables() -> list[str]:
    return [f"{_CAP_PREFIX}{kind.upper()}" for kind in USAGE_KINDS]


def _did_you_mean(variable: str, known: list[str], prefix: str) -> str:
    """`` (did you mean X?)`` when a known name is close, judged after their shared ``prefix``."""
    rest = {name.removeprefix(prefix).upper(): name for name in known}
    close = difflib.get_close_matches(variable.removeprefix(prefix).upper(), list(rest), n=1, cutoff=0.7)
    return f" (did you mean {rest[close[0]]}?)" if close else ""


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """One warning per ``SMWORLD_*`` variable that is not a setting (a misspelling is silently
    ignored otherwise). ``SMWORLD_CAP_*`` ones are refused by :meth:`Config.from_env` instead."""
    known = [variable for variable, _ in _ENV.values()]
    return [f"{variable} is not a setting{_did_you_mean(variable, known, 'SMWORLD_')}; it is ignored"
            for variable in sorted(environ)
            if variable.startswith("SMWORLD_") and not variable.startswith(_CAP_PREFIX) and variable not in known]
