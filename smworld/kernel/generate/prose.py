"""Sentence assembly: chosen vocabulary → pixel prose for states and events.

Everything here is formatting. The words were chosen (and made safe) by :mod:`.lexicon`; these
functions only put them in order, so every sentence describes what a camera would see — materials,
light, objects, where each way out is, and bodies moving through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

from . import banks
from .english import article
from .lexicon import Place

__all__ = [
    "Voice",
    "article",
    "bare",
    "camera",
    "collapse_event",
    "detail",
    "ending_camera",
    "exit_clause",
    "fall_event",
    "gate_clause",
    "gate_event",
    "hazard_clause",
    "key_clause",
    "key_event",
    "lose_base",
    "movement",
    "narration",
    "passage_event",
    "pause_event",
    "room_base",
    "sentence",
    "win_base",
]

_OBJECT_SENTENCES = (  # each has a verb, plural to agree with "{0} and {1}" whatever the objects are
    "{0} and {1} crowd the floor", "along one wall stand {0} and {1}", "in the middle of the floor sit {0} and {1}",
    "{0} and {1} share a corner", "{0} and {1} fill the space against the far wall",
)


@dataclass(frozen=True, slots=True)
class Voice:
    """The world's recurring subject: who moves through every scene and what they carry."""

    subject: str
    carry: str
    carry_noun: str


def bare(phrase: str) -> str:
    """``phrase`` without a leading "a "/"an " ("a brass lamp" → "brass lamp")."""
    for lead in ("a ", "an "):
        if phrase.startswith(lead):
            return phrase[len(lead):]
    return phrase


def sentence(text: str) -> str:
    """A capitalised sentence ending in a full stop."""
    return f"{text[:1].upper()}{text[1:]}."


def room_base(place: Place, extras: Sequence[str], rng: Random) -> str:
    """A room's ``base``: its shape, material and light, its objects, then ``extras`` (its exits)."""
    noun = f"{place.adjective} {place.noun}".strip()
    parts = [
        f"{article(noun)} {place.layout}, built of {place.material} and lit by {place.light}",
        rng.choice(_OBJECT_SENTENCES).format(*place.objects),
    ]
    parts += [p for p in (place.motif, place.view) if p]
    parts += extras
    return " ".join(sentence(part) for part in parts)


def exit_clause(opening: str, position: str, target: str) -> str:
    """Where a way out is and what it leads to."""
    return f"{article(opening)} {position} leads to the {target}"


def gate_clause(gate: str, lock: str, position: str) -> str:
    """A barrier that a key opens, seen from the room."""
    return f"{article(gate)} {position} is held shut by {lock}"


def hazard_clause(surface: str, below: str, position: str) -> str:
    """A dangerous surface, seen from the room."""
    return f"{article(surface)} {position} juts out over {below}"


def key_clause(key: str, where: str) -> str:
    """The key, resting where it can be picked up."""
    return f"{article(key)} rests on {where}"


def camera(voice: Voice, rng: Random) -> dict[str, str]:
    """A state's ``camera`` pair."""
    return {
        "static": rng.choice(banks.CAMERA_STATIC).format(subject=voice.subject),
        "dynamic": rng.choice(banks.CAMERA_DYNAMIC).format(subject=voice.subject),
    }


def movement(voice: Voice, rng: Random) -> dict[str, str]:
    """A state's ``movement`` pair."""
    fill = {"subject": voice.subject, "carry": voice.carry}
    return {
        "static": rng.choice(banks.MOVE_STATIC).format(**fill),
        "dynamic": rng.choice(banks.MOVE_DYNAMIC).format(**fill),
    }


def ending_camera() -> dict[str, str]:
    """Endings hold wide and drift away."""
    return {"static": "wide shot, steady, level horizon", "dynamic": "slow crane up and away"}


def narration(place: Place, extra: str = "") -> str:
    """Display copy for a room (read by the player, not the model)."""
    text = f"{sentence('the ' + place.noun)} {sentence(place.light)}"
    return f"{text} {extra}" if extra else text


def detail(voice: Voice, place: Place, rng: Random) -> str:
    """An appended flourish of visible motion."""
    return rng.choice(banks.DETAIL).format(carry=voice.carry_noun, material=place.material)


def passage_event(voice: Voice, verb: str, opening: str, target: str) -> str:
    """A transition's ``base``: the subject moving through an opening into the next room."""
    return f"the {voice.subject} {verb} the {opening} into the {target}"


def gate_event(voice: Voice, key: str, gate: str, lock: str, target: str) -> tuple[str, str]:
    """The locked way opening: ``(base, detail)``."""
    return (f"the {voice.subject} raises the {key} to the {gate}, and the {gate} grinds open onto the {target}",
            f"{bare(lock)} falling away with a clank")


def fall_event(voice: Voice, surface: str, below: str) -> tuple[str, str]:
    """A visible step onto a hazard: ``(base, detail)``."""
    return (f"the {voice.subject} steps out onto the {surface}, which tilts and gives way toward {below}",
            "grit and splinters tumbling past")


def collapse_event(voice: Voice, surface: str, below: str) -> tuple[str, str]:
    """The hazard giving way by itself after a while: ``(base, detail)``."""
    return (f"the {surface} buckles and splits beneath the {voice.subject}, sliding toward {below}",
            "dust pouring down in a sheet")


def key_event(voice: Voice, key: str, where: str) -> tuple[str, str]:
    """Picking up the key, in place: ``(base, detail)``."""
    return (f"the {voice.subject} lifts the {key} from {where}, turning it over in the light of {voice.carry}",
            f"light glinting along the {key}")


def pause_event(voice: Voice, place: Place, rng: Random) -> tuple[str, str]:
    """A sustained action in place: ``(base, detail)``."""
    action = rng.choice(banks.PAUSES).format(object=bare(place.objects[0]), material=place.material,
                                             carry=voice.carry)
    return f"the {voice.subject} {action}", rng.choice(banks.AMBIENT)


def win_base(voice: Voice, setting: str, rng: Random) -> str:
    """The win ending's ``base``."""
    scene = rng.choice(banks.WIN_SCENES).format(setting=setting)
    return sentence(f"{scene}, the {voice.subject} standing at the edge with {voice.carry} lowered")


def lose_base(voice: Voice, scene: str, material: str) -> str:
    """A lose ending's ``base`` from one of the lose scenes."""
    return sentence(scene.format(carry_noun=voice.carry_noun, a_carry_noun=article(voice.carry_noun),
                                 material=material))
