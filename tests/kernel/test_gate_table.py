"""The lint table, the reports and the order of findings."""

from __future__ import annotations

import re
from types import ModuleType

import msgspec
import pytest

from smworld.kernel import gate
from smworld.kernel.errors import DecodeError, UnsupportedSchemaVersion
from smworld.kernel.gate import (
    LINTS,
    PROMPT_BUDGET,
    characters,
    doctrine,
    evidence,
    flags,
    graph,
    lint,
    proof,
    references,
    schema,
    shape,
    store,
    validate,
)
from smworld.kernel.gate.rules import Rule
from tests.kernel.gate_worlds import tiny_world

MODULES: tuple[ModuleType, ...] = (schema, shape, characters, references, doctrine, flags, evidence, graph, proof,
                                   store)

# gate.md's tables, the winnability lints and the ids the ops emit: a contract, never renamed.
CONTRACT = {
    "schema": "error", "schema-version": "info", "bad-identifier": "error", "control-character": "error",
    "duplicate-event-name": "error",
    "id-clash": "error", "no-entrance": "error", "entrance-missing-state": "error", "dangling-ref": "error",
    "transition-needs-to": "error", "override-has-to": "error", "orphan-event": "error",
    "ending-has-exit": "error", "hotkey-syntax": "error", "hotkey-reserved": "error", "hotkey-conflict": "error",
    "template": "error", "duplicate-variant": "error", "sequence-beat-missing": "error", "timing": "error",
    "negation": "error", "whiteout": "error", "lethal-override": "error", "budget": "error", "intent": "warning",
    "unreachable-require": "error", "objective-unreachable": "error", "objective-ungrounded": "warning",
    "auto-needs-pixels": "error", "luminance-overlap": "error", "sliver-evidence": "warning",
    "shared-phase-camera": "warning", "unreachable-state": "warning", "dead-end": "warning",
    "no-ending": "warning", "unused-grant": "info", "duplicate-prose": "info", "softlock": "warning",
    "unwinnable": "warning", "store/entrance": "info", "store/cascade": "info", "store/rename": "info",
    "store/sequence-beat": "warning",
}


def test_lint_ids_are_unique_and_kebab_case() -> None:
    ids = [info.id for info in LINTS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"(store/)?[a-z]+(-[a-z]+)*", lint_id) for lint_id in ids)


def test_the_table_is_the_contract() -> None:
    assert {info.id: info.severity for info in LINTS} == CONTRACT
    assert all(info.description and "\n" not in info.description for info in LINTS)


def test_every_rule_a_module_defines_is_in_the_table_and_every_check_emits_listed_rules() -> None:
    listed = {(info.id, info.severity) for info in LINTS}
    named = {(rule.id, rule.severity) for module in MODULES for rule in vars(module).values()
             if isinstance(rule, Rule)}
    declared = {(rule.id, rule.severity) for module in MODULES for rule in module.RULES}
    assert named <= declared == listed
    for module in MODULES:
        for check in getattr(module, "CHECKS", ()):
            assert {(rule.id, rule.severity) for rule in check.rules} <= listed


def test_the_table_encodes_as_id_severity_description() -> None:
    assert msgspec.to_builtins(LINTS[0]) == {"id": "schema", "severity": "error",
                                             "description": LINTS[0].description}


def test_validate_reports_errors_only_and_lint_everything() -> None:
    world = tiny_world()
    world["scene"]["states"]["hall"]["base"] = "a hall so that no one sees"
    world["schemaVersion"] = "demo"
    report = validate(world)
    assert not report.ok
    assert [d.key for d in report.diagnostics] == ["negation@states.hall.base"]
    linted = lint(world)
    assert not linted.ok and linted.promptBudget == PROMPT_BUDGET == 1900
    assert {d.key for d in linted.diagnostics} == {
        "schema-version@schemaVersion", "negation@states.hall.base", "intent@states.hall.base"}
    assert msgspec.to_builtins(linted)["promptBudget"] == 1900


def test_lint_is_ok_with_warnings_only() -> None:
    world = tiny_world()
    world["scene"]["states"]["hall"]["base"] = "a peaceful hall"
    report = lint(world)
    assert report.ok and [d.lint for d in report.diagnostics] == ["intent"]


def test_findings_come_in_table_order_then_path() -> None:
    world = tiny_world()
    states = world["scene"]["states"]
    states["hall"]["base"] = "no hall"
    states["cellar"]["base"] = "no cellar"
    states["zeta"] = {"base": "a zeta room"}
    states["Alpha"] = {"base": "an alpha room"}
    world["entrance"] = {"state": "attic"}
    found = lint(world).diagnostics
    order = {info.id: i for i, info in enumerate(LINTS)}
    assert found == sorted(found, key=lambda d: (order[d.lint], d.path, d.message))
    assert [d.key for d in found] == [
        "bad-identifier@states.Alpha",
        "entrance-missing-state@entrance.state",
        "negation@states.cellar.base",
        "negation@states.hall.base",
    ]
    assert lint(world).diagnostics == found


def test_the_input_world_is_never_mutated() -> None:
    world = tiny_world()
    world["scene"]["states"]["hall"]["base"] = {"template": "no {x}", "slots": {"x": {"fill": "y"}}}
    before = msgspec.json.encode(world)
    lint(world)
    validate(world)
    assert msgspec.json.encode(world) == before


def test_a_value_that_is_not_a_world_is_refused() -> None:
    with pytest.raises(DecodeError):
        validate([])  # type: ignore[arg-type]
    with pytest.raises(UnsupportedSchemaVersion):
        lint({**tiny_world(), "schemaVersion": "2.0"})


def test_the_package_exports_its_surface() -> None:
    assert sorted(gate.__all__) == ["GateVerdict", "LINTS", "LintInfo", "LintReport", "PROMPT_BUDGET", "Report",
                                    "lint", "validate", "write_gate"]
