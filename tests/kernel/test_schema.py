"""The committed JSON Schema is generated from the model and is a valid Draft 2020-12 schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from smworld.kernel import codec

COMMITTED = json.loads(resources.files("smworld.schemas").joinpath("smworld-1.0.json").read_text())


def test_committed_schema_matches_the_model() -> None:
    assert codec.json_schema() == COMMITTED, (
        "smworld/schemas/smworld-1.0.json drifted from smworld/kernel/model.py; regenerate it with "
        "`smworld schema > smworld/schemas/smworld-1.0.json`"
    )


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(COMMITTED)
    assert COMMITTED["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_allows_additional_properties_everywhere() -> None:
    for name, definition in COMMITTED["$defs"].items():
        assert definition.get("additionalProperties", True) is not False, name


def test_schema_and_kernel_agree_on_shape() -> None:
    validator = jsonschema.Draft202012Validator(COMMITTED)
    good = {"scene": {"states": {"a": {"base": "x", "hud": 1}}, "events": []}, "music": [1]}
    bad = {"scene": {"states": {"a": {"base": ""}}, "events": [{"name": "e", "kind": "fly", "from": []}]}}
    assert not list(validator.iter_errors(good))
    assert codec.schema_problems(good) == []
    assert list(validator.iter_errors(bad))
    assert codec.schema_problems(bad)
