"""Configuration: one typed object from flags and SMWORLD_* variables; malformed values fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from smworld.shell.config import LOG_LEVELS, USAGE_KINDS, Config, ConfigError, RateLimit, unknown_variables


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
        ("SMWORLD_LOG_LEVEL", "LOUD"),
        ("SMWORLD_LOG_LEVEL", "5"),
    ],
)
def test_malformed_values_name_the_variable(variable, value):
    with pytest.raises(ConfigError) as caught:
        Config.from_env({variable: value})
    assert variable.removeprefix("SMWORLD_").lower().split("_")[0] in str(caught.value).lower()


@pytest.mark.parametrize("level", [*LOG_LEVELS, "debug", " warning ", "WARN"])
def test_log_levels_are_the_logging_module_names_in_any_case(level):
    assert Config.from_env({"SMWORLD_LOG_LEVEL": level}).log_level == level.strip().upper()


def test_a_log_level_set_in_code_is_checked_too():
    with pytest.raises(ConfigError, match="log_level"):
        Config().replace(log_level="LOUD")


@pytest.mark.parametrize(("variable", "suggestion"), [
    ("SMWORLD_CAP_GENERATOIN", "SMWORLD_CAP_GENERATION"),
    ("SMWORLD_CAP_EDITS", "SMWORLD_CAP_EDIT"),
    ("SMWORLD_CAP_generation", "SMWORLD_CAP_GENERATION"),
    ("SMWORLD_CAP_generation_x", None),
    ("SMWORLD_CAP_", None),
])
def test_a_misspelled_cap_variable_is_refused_naming_it_and_the_known_kinds(variable, suggestion):
    with pytest.raises(ConfigError) as caught:
        Config.from_env({variable: "5"})
    message = str(caught.value)
    assert message.startswith(f"{variable}:")
    assert all(f"SMWORLD_CAP_{kind.upper()}" in message for kind in USAGE_KINDS)
    if suggestion:
        assert f"did you mean {suggestion}?" in message


def test_other_unknown_smworld_variables_are_warned_about_with_a_suggestion():
    warnings = unknown_variables({"SMWORLD_PROT": "9000", "SMWORLD_JWT_SECRT": "x", "SMWORLD_FROB": "1",
                                  "SMWORLD_PORT": "9000", "SMWORLD_CAP_EDIT": "1", "HOME": "/root"})
    assert warnings == [
        "SMWORLD_FROB is not a setting; it is ignored",
        "SMWORLD_JWT_SECRT is not a setting (did you mean SMWORLD_JWT_SECRET?); it is ignored",
        "SMWORLD_PROT is not a setting (did you mean SMWORLD_PORT?); it is ignored",
    ]
