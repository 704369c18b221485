"""``add_mission``: compile a mission's objectives into ordinary states and events (ops.md).

Each objective becomes a one-shot transition named by its ``text`` that grants its flag
(``grants``, default its ``id``). The compilation is planned in full and checked before anything
is written, so a refused mission leaves the world as it was.

Decisions where ops.md leaves room (what a player of the compiled mission needs):

- **Where an objective happens** (the event's ``from``): its ``location``; without one, where the
  previous objective left the player; for the first objective, the entrance. A ``location`` that
  names no state is created from the objective's ``base`` (404 when it has none); an existing
  location is left as it is even when the objective carries a ``base``.
- **Where it leads** (``to``): the consequence state ``<location>__<objectiveId>`` (base: the
  ``outcome``) when the objective has an ``outcome``; otherwise back to its location (the objective
  is done in place). The last objective must have an ``outcome``: that state gets the win ending
  (``win.title``, default ``MISSION COMPLETE``, and ``win.subtitle``), and an ending cannot sit on a
  location that has exits.
- **Requirements**: the previous objective's flag, then the objective's own ``requires``;
  ``lockedHint`` defaults to ``Need: <previous objective's text>`` (none on the first objective).
- **Grounding**: ``grounded.target``/``targetAliases``/``proximity`` become the ``anchor`` (label,
  aliases, minProximity default 0.1); ``grounded.confirm``/``confirmAliases`` the ``landWhen``.
  ``action`` becomes the event's ``base``; ``camera``, ``movement`` and ``phases`` carry over.
- **Failure**: ``fail`` creates the lose state ``<location>__fail_<objectiveId>`` (base: the fail
  ``outcome``, ending ``{lose, title, subtitle?}``) and the sibling transition ``fail.name`` from
  the same location with ``fail.action`` as its base and the same ``requires``.
- **Continuing**: when a consequence state is not the last and the next objective happens
  elsewhere, a transition ``go_to_<next location>`` leads on from it, so the mission stays playable.
- **Refusals** (400): no id or title, a mission id that exists, a world with no states, no
  objectives, two objectives with one id, a compiled state id or event name that is taken or is not
  a valid identifier/name. The mission itself (including ``win``) is stored in ``missions``.
"""

from __future__ import annotations

from typing import Any

from .. import model
from ..text import shown
from ..world import is_identifier
from .draft import STATE_ID_MAX, Draft
from .errors import invalid, not_found, require_shape
from .events import check_event_name
from .patch import clone
from .vocabulary import AddMission

__all__ = ["DEFAULT_WIN_TITLE", "add_mission"]

DEFAULT_WIN_TITLE = "MISSION COMPLETE"
DEFAULT_MIN_PROXIMITY = 0.1


class _Plan:
    """The states and events a mission compiles to, checked against the draft as they are planned."""

    def __init__(self, draft: Draft, mission_id: str) -> None:
        self.draft = draft
        self.mission_id = mission_id
        self.states: dict[str, dict[str, Any]] = {}
        self.events: dict[str, dict[str, Any]] = {}

    def has_state(self, state_id: str) -> bool:
        return state_id in self.draft.states or state_id in self.states

    def add_state(self, state_id: str, state: dict[str, Any], why: str) -> None:
        if not is_identifier(state_id):
            raise invalid(f"Mission {shown(self.mission_id)}: {why} would be {shown(state_id)}, which is not a "
                          f"snake_case id of at most {STATE_ID_MAX} characters; shorten the location or objective id")
        if state_id in self.states or self.draft.is_target(state_id):
            raise invalid(f'Mission {shown(self.mission_id)}: {why} would be {shown(state_id)}, which already exists; '
                          "give the objective another id or location")
        self.states[state_id] = state

    def add_event(self, event: dict[str, Any]) -> None:
        name = event["name"]
        check_event_name(self.draft, name)
        if name in self.events:
            raise invalid(f'Mission {shown(self.mission_id)} would create two events called {shown(name)}; objective '
                          "texts and fail names must differ")
        require_shape(event, model.Event, f'Mission {shown(self.mission_id)} event {shown(name)}')
        self.events[name] = event

    def free_name(self, stem: str) -> str:
        n, name = 1, stem
        while name in self.events or self.draft.has_event(name):
            n += 1
            name = f"{stem}_{n}"
        return name

    def write(self) -> None:
        for state_id, state in self.states.items():
            self.draft.put_state(state_id, state)
        for event in self.events.values():
            self.draft.add_event(event)


def add_mission(draft: Draft, op: AddMission) -> None:
    """``add_mission {id, title, objectives, win?, complete?, verified?}``."""
    mission = op.mission
    mission_id, title = mission.get("id"), mission.get("title")
    if not isinstance(mission_id, str) or not mission_id:
        raise invalid('A mission needs an "id"; give it a snake_case identifier such as "escape"')
    if not isinstance(title, str) or not title:
        raise invalid(f'Mission {shown(mission_id)} needs a "title"; give it the name the player reads')
    require_shape(mission, model.Mission, f'Mission {shown(mission_id)}')
    missions = draft.items("missions")
    if any(isinstance(m, dict) and m.get("id") == mission_id for m in missions):
        raise invalid(f'A mission called {shown(mission_id)} already exists; pick another id')
    if not draft.states:
        raise invalid("A mission needs a world with states (its objectives happen in them); add states first")
    plan = _Plan(draft, mission_id)
    _compile(plan, mission["objectives"], _win_ending(mission))
    plan.write()
    draft.put("missions", [*missions, clone(mission)])


def _win_ending(mission: dict[str, Any]) -> dict[str, Any]:
    win = mission.get("win", {})
    if not isinstance(win, dict) or not isinstance(win.get("title", ""), str):
        raise invalid(f'Mission {shown(mission["id"])}: "win" must be an object {{title, subtitle?}}')
    ending = {"kind": "win", "title": win.get("title") or DEFAULT_WIN_TITLE}
    if isinstance(win.get("subtitle"), str):
        ending["subtitle"] = win["subtitle"]
    return ending


def _compile(plan: _Plan, objectives: list[dict[str, Any]], win: dict[str, Any]) -> None:
    if not objectives:
        raise invalid(f'Mission {shown(plan.mission_id)} needs at least one objective; list them in "objectives"')
    ids = [objective["id"] for objective in objectives]
    if len(set(ids)) != len(ids):
        raise invalid(f'Mission {shown(plan.mission_id)} has two objectives with one id; objective ids must differ')
    here = plan.draft.entrance_state()
    left_in: str | None = None  # a consequence state the previous objective left the player in
    previous: dict[str, Any] | None = None
    for index, objective in enumerate(objectives):
        location = _location(plan, objective, here)
        if left_in is not None and location != left_in:
            plan.add_event({"name": plan.free_name(f"go_to_{location}"), "kind": "transition",
                            "from": [left_in], "to": location})
        requires = _requires(objective, previous)
        landing = _landing(plan, objective, location, last=index == len(objectives) - 1, win=win)
        plan.add_event(_objective_event(objective, location, landing, requires, previous))
        if "fail" in objective:
            _fail(plan, objective, location, requires)
        left_in = landing if landing != location else None
        here, previous = landing, objective


def _location(plan: _Plan, objective: dict[str, Any], here: str | None) -> str:
    """Where the objective happens; a missing location is created from the objective's ``base``."""
    location = objective.get("location")
    if location is None:
        if here is None or not plan.has_state(here):
            raise invalid(f'Objective {shown(objective["id"])} needs a "location": the world has no entrance to '
                          "start the mission from")
        return here
    if not plan.has_state(location):
        if "base" not in objective:
            raise not_found("state", location, plan.draft.states)
        plan.add_state(location, {"base": clone(objective["base"])}, f'objective {shown(objective["id"])}\'s location')
    return str(location)


def _requires(objective: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    before = [_flag(previous)] if previous is not None else []
    return before + [flag for flag in objective.get("requires", []) if flag not in before]


def _flag(objective: dict[str, Any]) -> str:
    flag = objective.get("grants") or objective["id"]
    assert isinstance(flag, str)
    return flag


def _landing(plan: _Plan, objective: dict[str, Any], location: str, last: bool, win: dict[str, Any]) -> str:
    """The state the objective's transition leads to (its consequence state, or its location)."""
    if "outcome" not in objective:
        if last:
            raise invalid(f'The last objective ({shown(objective["id"])}) needs an "outcome": the state it leads to '
                          "gets the win ending")
        return location
    landing = f"{location}__{objective['id']}"
    state: dict[str, Any] = {"base": objective["outcome"]}
    if last:
        state["ending"] = win
    plan.add_state(landing, state, f'objective {shown(objective["id"])}\'s outcome state')
    return landing


def _objective_event(objective: dict[str, Any], location: str, landing: str, requires: list[str],
                     previous: dict[str, Any] | None) -> dict[str, Any]:
    event: dict[str, Any] = {"name": objective["text"], "kind": "transition", "from": [location], "to": landing,
                             "oneShot": True, "grants": [_flag(objective)]}
    if requires:
        event["requires"] = requires
    hint = objective.get("lockedHint") or (f"Need: {previous['text']}" if previous is not None else None)
    if hint:
        event["lockedHint"] = hint
    for source, target in (("action", "base"), ("camera", "camera"), ("movement", "movement"), ("phases", "phases")):
        if source in objective:
            event[target] = clone(objective[source])
    grounded = objective.get("grounded")
    if grounded is not None:
        event["anchor"] = {"label": grounded["target"], **_aliases(grounded, "targetAliases"),
                           "minProximity": grounded.get("proximity", DEFAULT_MIN_PROXIMITY)}
        if "confirm" in grounded:
            event["landWhen"] = {"label": grounded["confirm"], **_aliases(grounded, "confirmAliases")}
    return event


def _aliases(grounded: dict[str, Any], key: str) -> dict[str, Any]:
    return {"aliases": list(grounded[key])} if key in grounded else {}


def _fail(plan: _Plan, objective: dict[str, Any], location: str, requires: list[str]) -> None:
    """The objective's lose state and the sibling transition into it."""
    fail = objective["fail"]
    ending = {"kind": "lose", "title": fail["title"]} | ({"subtitle": fail["subtitle"]} if "subtitle" in fail else {})
    lose_state = f"{location}__fail_{objective['id']}"
    plan.add_state(lose_state, {"base": fail["outcome"], "ending": ending},
                   f'objective {shown(objective["id"])}\'s fail state')
    sibling: dict[str, Any] = {"name": fail["name"], "kind": "transition", "from": [location], "to": lose_state,
                               "base": fail["action"]}
    if requires:
        sibling["requires"] = list(requires)
    plan.add_event(sibling)
