"""Premise → vocabulary: the premise's own words, made safe, sorted into roles beside the word banks.

A premise is arbitrary text. Before any of it reaches prose it is normalised (NFKC, case-folded),
cut into runs of letters (punctuation, digits, symbols and marks never survive), and every word the
gate would object to is dropped — negations, intent words, white-out and killing vocabulary — also
when it only matches once its accents are stripped or under the regex engine's case folding.
What remains is sorted into roles: settings ("lighthouse"), materials, lights, colours, views
("sky", "winter"), people ("diver") and modifiers (everything else: "drowned", "kraken").

>>> read_premise("A drowned lighthouse; NOT a ship!").settings
('lighthouse', 'ship')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from random import Random
from typing import TypeVar

from . import banks
from .english import article

__all__ = ["HAZARD", "Lexicon", "Place", "premise_words", "read_premise", "slug"]

MAX_PREMISE_CHARS = 4_000
MAX_WORDS = 48
MIN_WORD, MAX_WORD = 3, 24
PREMISE_SHARE = 0.4  # how often a role is filled from the premise when the premise has words for it

_LETTERS = re.compile(r"[^\W\d_]+")
_APOSTROPHES = frozenset("\u02b9\u02bb\u02bc\u02bd\u02be\u02bf\u02c8\u02ca\u02cb\ua78c")
HAZARD = re.compile(
    r"no|not|nor|never|without|none|nothing|nobody|nowhere|noone|neither|cannot|cant|dont|don|doesnt|doesn"
    r"|wont|isnt|isn|arent|aren|wasnt|wasn|werent|weren|didnt|didn|hasnt|hasn|havent|haven|hadnt|hadn"
    r"|wouldnt|wouldn|couldnt|couldn|shouldnt|shouldn|mustnt|mustn|aint|ain"
    r"|players?|should|must|will|feels?|felt|feeling|reali[sz]e[sd]?|decide[sd]?|goals?|objectives?|order"
    r"|foreshadow\w*|symbol\w*|represent\w*"
    r"|whiteout|white|blind\w*|blown|bloom\w*|over|exposed|overexposed|washed|washout"
    r"|kill\w*|shoot\w*|shots?|guns?|gunned|execut\w*|lying|murder\w*|slay\w*|stab\w*",
    re.IGNORECASE,
)
"""Words that never enter prose from a premise (matched whole, any case)."""

T = TypeVar("T")
_PARTICIPLE_ENDINGS = ("ed", "ing")


def slug(text: str, limit: int = 40) -> str:
    """A snake_case identifier fragment of ASCII letters and digits (may be empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "_".join(re.findall(r"[a-z0-9]+", ascii_text))[:limit].strip("_")


def _bare(word: str) -> str:
    """The word without accents and apostrophe-like letters, so "nót" and "donʼt" are judged as words."""
    return "".join(c for c in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(c) and c not in _APOSTROPHES)


def premise_words(premise: str) -> tuple[str, ...]:
    """The premise's usable words, lower-case, first occurrence order, at most ``MAX_WORDS``."""
    text = unicodedata.normalize("NFKC", premise[:MAX_PREMISE_CHARS])
    found: dict[str, None] = {}
    for match in _LETTERS.finditer(text):
        word = unicodedata.normalize("NFKC", match.group().casefold())
        if MIN_WORD <= len(word) <= MAX_WORD and _LETTERS.fullmatch(word) and _usable(word):
            found.setdefault(word)
        if len(found) == MAX_WORDS:
            break
    return tuple(found)


def _usable(word: str) -> bool:
    """Whether a word may enter prose: neither it nor its singular is a stopword or a hazard, however
    disguised ("nones" is judged as "none")."""
    return all(form not in banks.STOPWORDS and not HAZARD.fullmatch(form) and not HAZARD.fullmatch(_bare(form))
               for form in (word, _singular(word)))


def _singular(word: str) -> str:
    """A naive English singular for plural-looking ASCII words ("ships" → "ship")."""
    if not word.isascii() or len(word) < 4 or not word.endswith("s") or word.endswith(("ss", "us", "is", "ens")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1]


def _prefixed(setting: str, room: str) -> str:
    """``room`` in ``setting`` ("lighthouse cellar"), unless the room already names it."""
    return room if setting in room.split() else f"{setting} {room}"


@dataclass(frozen=True, slots=True)
class Place:
    """Everything a room's prose is made of, chosen once per room."""

    noun: str
    adjective: str
    material: str
    light: str
    layout: str
    objects: tuple[str, str]
    motif: str
    view: str
    ambient: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A premise's words sorted into roles; the ``pick_*`` methods mix them with the banks."""

    words: tuple[str, ...]
    settings: tuple[str, ...]
    materials: tuple[str, ...]
    lights: tuple[str, ...]
    colors: tuple[str, ...]
    views: tuple[str, ...]
    persons: tuple[str, ...]
    modifiers: tuple[str, ...]

    def _mix(self, rng: Random, own: tuple[T, ...], bank: tuple[T, ...]) -> T:
        """The premise's word for a role some of the time, a bank entry otherwise."""
        if own and rng.random() < PREMISE_SHARE:
            return rng.choice(own)
        return rng.choice(bank)

    def subject(self, rng: Random) -> str:
        """Who the player is: the premise's first person-word, or a bank person."""
        return self.persons[0] if self.persons else rng.choice(banks.PERSONS)

    def setting(self) -> str:
        """The world's setting noun ("cathedral"), used where a scene names the whole place."""
        return self.settings[0] if self.settings else "old town"

    def room_nouns(self, rng: Random, count: int) -> list[str]:
        """``count`` room nouns dealt from a shuffled deck of the bank (so neighbours rarely repeat),
        some prefixed by one of the premise's settings ("lighthouse cellar")."""
        nouns: list[str] = []
        while len(nouns) < count:
            deck = list(banks.ROOMS)
            rng.shuffle(deck)
            nouns += deck[: count - len(nouns)]
        if self.settings:
            nouns = [_prefixed(rng.choice(self.settings), noun) if rng.random() < PREMISE_SHARE else noun
                     for noun in nouns]
        return nouns

    def pick_modifier(self, rng: Random) -> str:
        """A one-word or hyphenated modifier for a room: the premise's own some of the time."""
        return self._mix(rng, self.modifiers + self.colors, banks.MODIFIERS)

    @property
    def motif_words(self) -> tuple[str, ...]:
        """Modifiers that can name what a carving, banner or mosaic shows ("kraken carvings"):
        participles describe a state, not a picture ("flooded carvings"), so they only modify rooms."""
        return tuple(w for w in self.modifiers if not w.endswith(_PARTICIPLE_ENDINGS))

    def pick_place(self, rng: Random, noun: str) -> Place:
        """The vocabulary of one room called ``noun``."""
        material = self._mix(rng, self.materials, banks.MATERIALS)
        first, second = rng.sample(banks.OBJECTS, 2)
        motif = ""
        motifs = self.motif_words
        if motifs and rng.random() < 0.45:
            word = rng.choice(motifs)
            motif = rng.choice(banks.MOTIF_FRAMES).format(word=word, a_word=article(word), material=material)
        view = ""
        if self.views and rng.random() < 0.35:
            view = rng.choice(banks.VIEW_FRAMES).format(word=rng.choice(self.views))
        light = self._mix(rng, self.lights, banks.LIGHTS)
        if self.colors and rng.random() < 0.3:
            light = f"{light}, everything carrying a faint {rng.choice(self.colors)} cast"
        return Place(
            noun=noun,
            adjective=self.pick_modifier(rng) if rng.random() < 0.5 else "",
            material=material,
            light=light,
            layout=rng.choice(banks.LAYOUTS),
            objects=(first, second),
            motif=motif,
            view=view,
            ambient=tuple(rng.sample(banks.AMBIENT, rng.randint(1, 3))),
        )

    def title(self, rng: Random) -> str:
        """A world name from the premise: "The Drowned Cathedral"; bank words when the premise has none."""
        head = next(iter(self.settings + self.persons + self.views), "") or rng.choice(banks.ROOMS)
        adjective = next((w for w in self.modifiers + self.colors if w != head), "")
        words = ["The", *f"{adjective} {head}".split()]
        return " ".join(word[:1].upper() + word[1:] for word in words)


def read_premise(premise: str) -> Lexicon:
    """Sort a premise's usable words into roles (see the module docstring)."""
    words = premise_words(premise)
    settings = tuple(w for w in words if w in banks.SETTING_WORDS)
    materials = tuple(banks.MATERIAL_WORDS[w] for w in words if w in banks.MATERIAL_WORDS)
    lights = tuple(banks.LIGHT_WORDS[w] for w in words if w in banks.LIGHT_WORDS)
    colors = tuple(w for w in words if w in banks.COLOR_WORDS and w not in banks.MATERIAL_WORDS)
    views = tuple(w for w in words if w in banks.VIEW_WORDS)
    persons = tuple(w for w in words if w in banks.PERSON_WORDS)
    sorted_words = {*settings, *colors, *views, *persons, *banks.MATERIAL_WORDS, *banks.LIGHT_WORDS}
    modifiers = tuple(dict.fromkeys(_singular(w) for w in words if w not in sorted_words))
    return Lexicon(words, settings, tuple(dict.fromkeys(materials)), tuple(dict.fromkeys(lights)),
                   colors, views, persons, modifiers)
