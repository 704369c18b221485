"""Variant ops: A/B prompt arms of a state, addressed by their label (unique within the state).

A missing variant is a 400, not a 404: ops.md reserves 404 for a missing state, event, cutscene
or sequence. ``remove_variant`` given both ``label`` and ``index`` goes by the label. Removing the
last variant removes the ``variants`` key.
"""

from __future__ import annotations

from typing import Any

from msgspec import UNSET

from .. import model
from ..text import listed, shown
from .draft import Draft
from .errors import invalid, require_shape
from .fields import with_prose
from .patch import clone
from .vocabulary import AddVariant, RemoveVariant, SetVariantField

__all__ = ["add_variant", "remove_variant", "set_variant_field"]


def _variants(state: dict[str, Any], state_id: str) -> list[Any]:
    found = state.get("variants", [])
    if not isinstance(found, list):
        raise invalid(f'State {shown(state_id)} has a "variants" value that is not an array; replace it with '
                      "update_state first")
    return found


def _position(variants: list[Any], label: str, state_id: str) -> int:
    labels = [v.get("label") if isinstance(v, dict) else None for v in variants]
    if label not in labels:
        known = listed(x for x in labels if isinstance(x, str))
        raise invalid(f'State {shown(state_id)} has no variant labelled {shown(label)}; its labels are: {known}')
    return labels.index(label)


def _with_variants(state: dict[str, Any], variants: list[Any]) -> dict[str, Any]:
    if variants:
        return {**state, "variants": variants}
    return {key: value for key, value in state.items() if key != "variants"}


def add_variant(draft: Draft, op: AddVariant) -> None:
    """``add_variant {state, variant: {label, base, …}}`` or the flat ``{state, label, base, …}``."""
    state = draft.state(op.state)
    variants = _variants(state, op.state)
    require_shape(op.variant, model.Variant, f'The new variant of state {shown(op.state)}')
    label = op.variant["label"]
    if any(isinstance(v, dict) and v.get("label") == label for v in variants):
        raise invalid(f'State {shown(op.state)} already has a variant labelled {shown(label)}; labels must be unique '
                      "within a state")
    draft.put_state(op.state, _with_variants(state, [*variants, clone(op.variant)]))


def remove_variant(draft: Draft, op: RemoveVariant) -> None:
    """``remove_variant {state, label}`` or ``{state, index}``."""
    state = draft.state(op.state)
    variants = _variants(state, op.state)
    if op.label is not UNSET:
        index = _position(variants, op.label, op.state)
    elif op.index is not UNSET:
        if not 0 <= op.index < len(variants):
            raise invalid(f'State {shown(op.state)} has {len(variants)} variant(s); index {op.index} is out of range')
        index = op.index
    else:
        raise invalid('Name the variant to remove by "label" or by "index"')
    draft.put_state(op.state, _with_variants(state, variants[:index] + variants[index + 1 :]))


def set_variant_field(draft: Draft, op: SetVariantField) -> None:
    """``set_variant_field {state, label, field, value}``: the same field vocabulary as ``set_field``."""
    state = draft.state(op.state)
    variants = _variants(state, op.state)
    index = _position(variants, op.label, op.state)
    subject = f'Variant {shown(op.label)} of state {shown(op.state)}'
    updated = with_prose(variants[index], op.field, op.value, subject)
    require_shape(updated, model.Variant, subject, only={op.field.split(".")[0]})
    draft.put_state(op.state, _with_variants(state, [*variants[:index], updated, *variants[index + 1 :]]))
