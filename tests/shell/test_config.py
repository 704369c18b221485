"""Configuration: one typed object from flags and SMWORLD_* variables; malformed values fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from smworld.shell.config import Config, ConfigError, RateLimit


def test_defaults_and_environment():
    config = Config.from_env({})
    assert config.port == 8080 and config.db == Path("var/smworld.db") and config.max_body_bytes == 5 * 1024 * 1024
    config = Config.from_env({
        "SMWORLD_PORT": "9000", "SMWORLD_DB": "/tmp/x.db", "SMWORLD_RATE_LIMIT_LIVE": "5:10",
        "SMWORLD_RATE_LIMIT_TEST": "0", "SMWORLD_CAP_GENERATION": "7", "SMWORLD_SQLITE_SYNCHRONOUS": "NORMAL",
        "SMWORLD_RESERVATION_TTL": "60", "SMWORLD_RESPONSE_CACHE_BYTES": "0", "SMWORLD_WORLD_CACHE_BYTES": "1024",
    })
    assert config.port == 9000 and config.db == Path("/tmp/x.db")
    assert config.reservation_ttl_s == 60 and config.response_cache_bytes == 0 and config.world_cache_bytes == 1024
    assert config.rate_live == RateLimit(5.0, 10) and not config.rate_test.enabled
    assert config.default_caps["generation"] == 7 and config.sqlite_synchronous == "normal"


def test_flags_override_environment():
    config = Config.from_env({"SMWORLD_PORT": "9000"}, port=9100, host=None)
    assert config.port == 9100 and config.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SMWORLD_PORT", "eighty"),
        ("SMWORLD_PORT", "70000"),
        ("SMWORLD_RATE_LIMIT_TEST", "fast"),
        ("SMWORLD_CAP_EDIT", "-1"),
        ("SMWORLD_SQLITE_SYNCHRONOUS", "off"),
        ("SMWORLD_JWT_SECRET", "short"),
        ("SMWORLD_MAX_BODY_BYTES", "12"),
        ("SMWORLD_RESERVATION_TTL", "0"),
        ("SMWORLD_RESPONSE_CACHE_BYTES", "-1"),
        ("SMWORLD_WORLD_CACHE_BYTES", "lots"),
    ],
)
def test_malformed_values_name_the_variable(variable, value):
    with pytest.raises(ConfigError) as caught:
        Config.from_env({variable: value})
    assert variable.removeprefix("SMWORLD_").lower().split("_")[0] in str(caught.value).lower()
