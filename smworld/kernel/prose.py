"""Prose fields: plain strings or factored templates, and the text a world model reads.

A factored field is ``{"template": "A {material} archway", "slots": {"material": {"fill": "granite"}}}``.
Its *rendered* text substitutes each fill; lints read rendered text and, when a finding falls inside a
fill, report which slot it came from (:class:`Rendered.slot_at`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from .errors import SMWorldError
from .text import clip, shown

__all__ = [
    "PROMPT_PARTS",
    "Piece",
    "Rendered",
    "TemplateError",
    "assembled_prompt",
    "parse_template",
    "render",
    "render_text",
]


class TemplateError(SMWorldError, ValueError):
    """A factored field that cannot be rendered; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One parsed part of a template: literal text (``slot`` None) or a placeholder."""

    text: str
    slot: str | None = None


@dataclass(frozen=True, slots=True)
class Rendered:
    """Rendered text plus where each fill landed: ``spans`` are ``(start, end, slot)``."""

    text: str
    spans: tuple[tuple[int, int, str], ...] = ()
    template: str | None = None

    def slot_at(self, start: int, end: int) -> str | None:
        """The slot whose fill overlaps ``[start, end)``, if any."""
        for lo, hi, slot in self.spans:
            if start < hi and end > lo:
                return slot
        return None


class _ToPieces(Transformer[Token, list[Piece]]):
    """Turns the template parse tree into a flat list of pieces."""

    def start(self, parts: list[Piece]) -> list[Piece]:
        return parts

    @v_args(inline=True)
    def text(self, token: Token) -> Piece:
        return Piece(str(token))

    def open_brace(self, _: list[Any]) -> Piece:
        return Piece("{")

    def close_brace(self, _: list[Any]) -> Piece:
        return Piece("}")

    @v_args(inline=True)
    def slot(self, name: Token) -> Piece:
        return Piece("", str(name))


_PARSER = Lark(
    resources.files("smworld.grammar").joinpath("template.lark").read_text(encoding="utf-8"),
    parser="lalr",
    transformer=_ToPieces(),
)


def parse_template(template: str) -> list[Piece]:
    """Parse a template into pieces; raise :class:`TemplateError` with the column of the problem."""
    if template == "":
        return []
    try:
        pieces = _PARSER.parse(template)
    except (UnexpectedCharacters, UnexpectedToken, UnexpectedEOF) as exc:
        column = getattr(exc, "column", None)
        where = f" at column {column}" if isinstance(column, int) and column > 0 else ""
        raise TemplateError(
            f"template does not parse{where}: write placeholders as {{slot_name}} (lowercase "
            "snake_case) and literal braces as {{ and }}"
        ) from None
    except LarkError as exc:  # pragma: no cover - grammar-level failure
        raise TemplateError(f"template does not parse: {exc}") from None
    assert isinstance(pieces, list)
    return pieces


def render(value: Any) -> Rendered | None:
    """The rendered text of a prose value, or None when the value is not prose at all.

    Raises :class:`TemplateError` for a factored field whose template is broken, names a slot that
    does not exist, or leaves a slot unused.
    """
    if isinstance(value, str):
        return Rendered(value)
    if not isinstance(value, dict) or not isinstance(value.get("template"), str):
        return None
    template: str = value["template"]
    slots = value.get("slots", {})
    if not isinstance(slots, dict):
        raise TemplateError("slots must be an object mapping slot names to {fill}")
    text: list[str] = []
    spans: list[tuple[int, int, str]] = []
    used: set[str] = set()
    length = 0
    for piece in parse_template(template):
        if piece.slot is None:
            text.append(piece.text)
            length += len(piece.text)
            continue
        slot = slots.get(piece.slot)
        if not isinstance(slot, dict) or not isinstance(slot.get("fill"), str):
            slot_name = clip(piece.slot)
            raise TemplateError(f"placeholder {{{slot_name}}} has no slot with a text fill; add "
                                f'slots.{slot_name} = {{"fill": "…"}} or remove the placeholder')
        fill: str = slot["fill"]
        used.add(piece.slot)
        spans.append((length, length + len(fill), piece.slot))
        text.append(fill)
        length += len(fill)
    unused = sorted(set(slots) - used)
    if unused:
        raise TemplateError(f"slot {shown(unused[0])} is never used in the template; remove it or add "
                            f"{{{clip(unused[0])}}} to the template")
    return Rendered("".join(text), tuple(spans), template)


def render_text(value: Any) -> str:
    """Best-effort rendered text for display and play: broken templates fall back to the raw template."""
    try:
        rendered = render(value)
    except TemplateError:
        return str(value.get("template", "")) if isinstance(value, dict) else ""
    return rendered.text if rendered is not None else ""


PROMPT_PARTS = (("base",), ("camera", "static"), ("camera", "dynamic"), ("movement", "static"), ("movement", "dynamic"))


def assembled_prompt(state: Any) -> str:
    """The prompt a world model reads for a state: base, camera, movement, then each ambient line.

    Joined by single spaces with empty parts dropped — the text the ``budget`` lint measures.
    """
    if not isinstance(state, dict):
        return ""
    parts: list[str] = []
    for path in PROMPT_PARTS:
        value: Any = state
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        parts.append(render_text(value))
    ambient = state.get("ambient")
    if isinstance(ambient, list):
        parts.extend(render_text(line) for line in ambient)
    return " ".join(part for part in parts if part)
