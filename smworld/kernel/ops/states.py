"""State ops: add, update (merge patch), delete (with cascades), rename (a re-key), set an ending.

Decisions where ops.md leaves room:

- A derived id (``add_state`` without ``id``) is the first clause of the rendered ``base`` — up to
  the first ``, ; : . ! ?``, parenthesis or dash — ASCII-folded, lower-cased, words joined by ``_``,
  a leading article (a/an/the) dropped, ``state_`` prefixed when it would not start with a letter,
  cut at a word boundary to 64 characters; ``_2``, ``_3``… when taken (by a state or a cutscene).
- "The first state added to a world with no entrance becomes the entrance" applies when the world
  has no states and no entrance: deleting the entrance and then adding a state does not silently
  move play's start to the new state.
- An explicit id that is a cutscene's id is refused (400): state and cutscene ids share one
  namespace (a transition's ``to`` must be unambiguous).
- ``update_state`` refuses a patch ``id`` that differs from the state's id (use ``rename_state``).
"""

from __future__ import annotations

import re
import unicodedata

from msgspec import UNSET

from .. import model
from ..prose import render_text
from ..text import shown
from ..world import state_path
from .draft import STATE_ID_MAX, Draft
from .errors import invalid, require_shape
from .patch import clone, merge_patch, refresh
from .references import cascade_state_delete, follow_rename
from .vocabulary import AddState, DeleteState, RenameState, SetStateEnding, UpdateState

__all__ = ["add_state", "delete_state", "rename_state", "set_state_ending", "slug", "update_state"]

_CLAUSE_END = re.compile(r"[,;:.!?()\[\]\u2014\u2013]|\s-\s")
_WORD = re.compile(r"[a-z0-9]+")
_ARTICLES = frozenset({"a", "an", "the"})


def slug(text: str) -> str:
    """A snake_case identifier (``[a-z][a-z0-9_]*``, ≤ 64 chars) from the first clause of ``text``.

    >>> slug("A damp stone cellar, lit by one candle")
    'damp_stone_cellar'
    """
    clause = _CLAUSE_END.split(text, maxsplit=1)[0]
    folded = unicodedata.normalize("NFKD", clause).encode("ascii", "ignore").decode().lower()
    words = _WORD.findall(folded)
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    ident = "_".join(words) or "state"
    if not ident[0].isalpha():
        ident = f"state_{ident}"
    if len(ident) > STATE_ID_MAX:
        cut = ident[:STATE_ID_MAX]
        ident = cut[: cut.rfind("_")] if "_" in cut[1:] else cut
    return ident


def _check_new_state_id(draft: Draft, state_id: str) -> None:
    """400 unless ``state_id`` is free for a new state."""
    if not state_id:
        raise invalid("A state id cannot be empty; use a snake_case id such as \"great_hall\"")
    if state_id in draft.states:
        raise invalid(f'A state called {shown(state_id)} already exists; pick another id or use update_state')
    if state_id in draft.cutscene_ids():
        raise invalid(f'The id {shown(state_id)} is taken by a cutscene, and states and cutscenes share one namespace; '
                      "pick another id")


def add_state(draft: Draft, op: AddState) -> None:
    """``add_state {id?, base, …}``: a new state; the world's first state becomes its entrance."""
    require_shape(op.state, model.State, "The new state")
    if op.id is None:
        state_id = draft.free_state_id(slug(render_text(op.state["base"])))
    else:
        _check_new_state_id(draft, op.id)
        state_id = op.id
    first = not draft.states and draft.entrance_state() is None
    draft.put_state(state_id, clone(op.state))
    if first:
        entrance = draft.get("entrance")
        draft.put("entrance", {**entrance, "state": state_id} if isinstance(entrance, dict) else {"state": state_id})
        draft.note("store/entrance", "info", "entrance",
                   f'{shown(state_id)} is the world\'s first state, so play starts there; change it with set_entrance')


def update_state(draft: Draft, op: UpdateState) -> None:
    """``update_state {id, patch}``: an RFC 7396 merge patch over the state; ``base`` is never erased."""
    state = draft.state(op.id)
    patch = op.patch
    if "base" in patch and patch["base"] is None:
        raise invalid(f'A state\'s base can never be erased; give {shown(op.id)} a new base instead')
    if "id" in patch and patch["id"] != op.id:
        raise invalid(f'A patch cannot change a state\'s id; use rename_state to rename {shown(op.id)}')
    patch = {key: value for key, value in patch.items() if key != "id"}
    if not patch:
        return
    updated = merge_patch(state, patch)
    require_shape(updated, model.State, f'State {shown(op.id)}', only=patch)
    draft.put_state(op.id, updated)


def delete_state(draft: Draft, op: DeleteState) -> None:
    """``delete_state``/``remove_state {id}``: remove the state and cascade (ops.md)."""
    draft.require_states([op.id])
    cascade_state_delete(draft, op.id)


def rename_state(draft: Draft, op: RenameState) -> None:
    """``rename_state {from, to}``: a re-key in place; every reference to the state follows."""
    old, new = op.from_, op.to
    draft.require_states([old])
    if new == old:
        return
    _check_new_state_id(draft, new)
    draft.rekey_state(old, new)
    moved = follow_rename(draft, old, new)
    draft.note("store/rename", "info", state_path(new),
               f'State {shown(old)} is now {shown(new)}; {moved} reference{"s" * (moved != 1)} followed it')


def set_state_ending(draft: Draft, op: SetStateEnding) -> None:
    """``set_state_ending {state, kind, title, subtitle?}``; ``kind: null`` clears the ending."""
    state = draft.state(op.state)
    if op.kind is None:
        if "ending" in state:
            draft.put_state(op.state, {key: value for key, value in state.items() if key != "ending"})
        return
    if op.title is UNSET:
        raise invalid(f'A {op.kind} ending needs a "title": the line the player reads when play ends')
    values = {"kind": op.kind, "title": op.title}
    if op.subtitle is not UNSET:
        values["subtitle"] = op.subtitle
    draft.put_state(op.state, {**state, "ending": refresh(state.get("ending"), model.Ending, values)})
