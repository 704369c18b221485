"""Ops on the world around the graph: entrance, subject, narration, intro/outro, story, cutscenes,
sequences.

Decisions where ops.md leaves room:

- ``set_entrance`` with ``image: null`` removes the seed frame (an omitted image keeps it).
- ``set_intro`` removing the video also removes ``introStatic`` (it holds the video's last frame).
- ``set_story`` keeps the beats and, when ``arc`` is omitted, the arc (``arc: null`` removes it).
- ``add_story_beat`` on a world without a story creates one whose logline is the world's name
  (``"Untitled world"`` when it has none); the beat's ``states`` and ``sequence`` must exist (404).
- ``add_sequence`` accepts a beat written as a bare state id (``"hall"`` for ``{"state": "hall"}``).
- Removing the last cutscene or sequence removes the (then empty) array.
- Cutscenes, sequences and story beats keep unknown keys like every other object.
"""

from __future__ import annotations

from typing import Any

from msgspec import UNSET

from .. import model
from ..text import shown
from .draft import Draft
from .errors import invalid, not_found, require_shape
from .patch import clone, refresh
from .references import detach_target
from .vocabulary import (
    AddCutscene,
    AddSequence,
    AddStoryBeat,
    RemoveCutscene,
    RemoveSequence,
    SetEntrance,
    SetIntro,
    SetNarrate,
    SetOutro,
    SetStory,
    SetSubject,
)

__all__ = [
    "add_cutscene",
    "add_sequence",
    "add_story_beat",
    "remove_cutscene",
    "remove_sequence",
    "set_entrance",
    "set_intro",
    "set_narrate",
    "set_outro",
    "set_story",
    "set_subject",
]


def set_entrance(draft: Draft, op: SetEntrance) -> None:
    """``set_entrance {state, image?: {src, label?}}``: the state must exist."""
    draft.require_states([op.state])
    entrance = draft.get("entrance")
    updated = {**(entrance if isinstance(entrance, dict) else {}), "state": op.state}
    if op.image is None:
        updated.pop("image", None)
    elif op.image is not UNSET:
        require_shape(op.image, model.EntranceImage, "The entrance image")
        updated["image"] = clone(op.image)
    draft.put("entrance", updated)


def set_subject(draft: Draft, op: SetSubject) -> None:
    """``set_subject {subject?, styleTail?}``: at least one; ``null`` erases."""
    values = {key: getattr(op, key) for key in ("subject", "styleTail") if getattr(op, key) is not UNSET}
    if not values:
        raise invalid('Give "subject", "styleTail" or both (null erases one)')
    for key, value in values.items():
        if value is None:
            draft.drop(key)
        else:
            draft.put(key, value)


def set_narrate(draft: Draft, op: SetNarrate) -> None:
    """``set_narrate {narrate: bool}``."""
    draft.put("narrate", op.narrate)


def set_intro(draft: Draft, op: SetIntro) -> None:
    """``set_intro {video, static?}``: ``null`` or ``""`` removes the intro."""
    if not op.video:
        draft.drop("introVideo")
        draft.drop("introStatic")
        return
    draft.put("introVideo", op.video)
    if op.static is not UNSET:
        draft.put("introStatic", op.static)


def set_outro(draft: Draft, op: SetOutro) -> None:
    """``set_outro {video, flag, state}``: ``video: null`` removes the outro."""
    if op.video is None:
        draft.drop("outro")
        return
    if op.flag is UNSET or op.state is UNSET:
        raise invalid('An outro needs "video", "flag" and "state": the clip plays when the flag is held '
                      "in the state")
    draft.require_states([op.state])
    values = {"video": op.video, "flag": op.flag, "state": op.state}
    draft.put("outro", refresh(draft.get("outro"), model.Outro, values))


def set_story(draft: Draft, op: SetStory) -> None:
    """``set_story {logline, arc?}``: keeps the existing beats."""
    story = draft.get("story")
    updated = {**(story if isinstance(story, dict) else {}), "logline": op.logline}
    if op.arc is None:
        updated.pop("arc", None)
    elif op.arc is not UNSET:
        updated["arc"] = list(op.arc)
    draft.put("story", updated)


def add_story_beat(draft: Draft, op: AddStoryBeat) -> None:
    """``add_story_beat {summary, states?, arc?, sequence?}``: creates the story if there is none."""
    require_shape(op.beat, model.StoryBeat, "The story beat")
    draft.require_states(op.beat.get("states", []))
    sequence = op.beat.get("sequence")
    if sequence is not None and _position(draft.items("sequences"), sequence) is None:
        raise not_found("sequence", sequence, _ids(draft.items("sequences")))
    story = draft.get("story")
    if not isinstance(story, dict):
        name = draft.get("name")
        story = {"logline": name if isinstance(name, str) and name else "Untitled world"}
    beats = story.get("beats", [])
    if not isinstance(beats, list):
        raise invalid('The story\'s "beats" is not an array; fix it with set_story or a full world write')
    draft.put("story", {**story, "beats": [*beats, clone(op.beat)]})


def add_cutscene(draft: Draft, op: AddCutscene) -> None:
    """``add_cutscene {id, video, from, to, …}``: the id must not clash with a state or a cutscene."""
    cutscenes = draft.items("cutscenes")
    require_shape(op.cutscene, model.Cutscene, "The new cutscene")
    cutscene_id = op.cutscene["id"]
    if not cutscene_id:
        raise invalid("A cutscene id cannot be empty; use a snake_case id")
    if cutscene_id in draft.states:
        raise invalid(f'The id {shown(cutscene_id)} is taken by a state, and states and cutscenes share one namespace; '
                      "pick another id")
    if cutscene_id in draft.cutscene_ids():
        raise invalid(f'A cutscene called {shown(cutscene_id)} already exists; pick another id')
    draft.require_states([op.cutscene["from"], op.cutscene["to"]])
    draft.put("cutscenes", [*cutscenes, clone(op.cutscene)])


def remove_cutscene(draft: Draft, op: RemoveCutscene) -> None:
    """``remove_cutscene {id}``: transitions that led to it lose their ``to`` (warning)."""
    _remove(draft, "cutscenes", "cutscene", op.id)
    detach_target(draft, op.id, "cutscene")


def add_sequence(draft: Draft, op: AddSequence) -> None:
    """``add_sequence {id, title, beats}``: beats non-empty, each naming an existing state."""
    sequences = draft.items("sequences")
    sequence = dict(op.sequence)
    if isinstance(sequence.get("beats"), list):
        sequence["beats"] = [{"state": b} if isinstance(b, str) else b for b in sequence["beats"]]
    require_shape(sequence, model.Sequence, "The new sequence")
    if not sequence["id"]:
        raise invalid("A sequence id cannot be empty; use a snake_case id")
    if _position(sequences, sequence["id"]) is not None:
        raise invalid(f'A sequence called {shown(sequence["id"])} already exists; pick another id')
    if not sequence["beats"]:
        raise invalid("A sequence needs at least one beat: {\"state\": <state id>}")
    draft.require_states([beat["state"] for beat in sequence["beats"]])
    draft.put("sequences", [*sequences, clone(sequence)])


def remove_sequence(draft: Draft, op: RemoveSequence) -> None:
    """``remove_sequence {id}``."""
    _remove(draft, "sequences", "sequence", op.id)


def _ids(items: list[Any]) -> list[str]:
    return [item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]


def _position(items: list[Any], item_id: str) -> int | None:
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == item_id:
            return index
    return None


def _remove(draft: Draft, key: str, what: str, item_id: str) -> None:
    """Remove the item ``item_id`` from the top-level array ``key``; 404 when it is not there."""
    items = draft.items(key)
    index = _position(items, item_id)
    if index is None:
        raise not_found(what, item_id, _ids(items))
    rest = items[:index] + items[index + 1 :]
    if rest:
        draft.put(key, rest)
    else:
        draft.drop(key)
