"""The winnability proof on hand-built worlds: wins, softlocks, unreachable endings, bounds."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest

from smworld.kernel.analysis import InvalidBound, Proof, Softlock, Win, prove

from .test_play import build_world, ev


def lock_and_key() -> dict[str, Any]:
    """Fetch a key in the cellar to open the vault; a pit loses."""
    return build_world(
        [
            ev("go down", "cellar", frm=["hall"]),
            ev("go up", "hall", frm=["cellar"]),
            ev("take key", frm=["cellar"], grants=["key"], oneShot=True),
            ev("open vault", "vault", frm=["hall"], requires=["key"], lockedHint="Locked."),
            ev("jump", "pit", frm=["hall"]),
        ],
        states=("hall", "cellar"),
        endings={"vault": "win", "pit": "lose"},
        entrance="hall",
    )


def burnt_bridge() -> dict[str, Any]:
    """Crossing the one-shot bridge before taking the key leaves the gate shut for good."""
    return build_world(
        [
            ev("take key", frm=["shore"], grants=["key"]),
            ev("cross bridge", "island", frm=["shore"], oneShot=True),
            ev("swim back", "shore", frm=["island"], grants=["wet"]),
            ev("open gate", "castle", frm=["island"], requires=["key"]),
        ],
        states=("shore", "island"),
        endings={"castle": "win"},
        entrance="shore",
    )


def test_a_lock_and_key_world_is_winnable_by_a_shortest_path() -> None:
    proof = prove(lock_and_key())
    assert proof == Proof(
        winnable=True, complete=True, explored=7,
        win=Win(ending="vault", path=["go down", "take key", "go up", "open vault"]),
        softlocks=[], unreachableEndings=[],
    )


def test_the_proof_encodes_exactly_as_the_cli_prints_it() -> None:
    encoded = msgspec.json.decode(msgspec.json.encode(prove(burnt_bridge())))
    assert list(encoded) == ["winnable", "complete", "explored", "win", "softlocks", "unreachableEndings"]
    assert encoded["win"] == {"ending": "castle", "path": ["take key", "cross bridge", "open gate"]}
    assert encoded["softlocks"][0] == {"state": "island", "flags": [], "path": ["cross bridge"]}
    inconclusive = msgspec.json.decode(msgspec.json.encode(prove(burnt_bridge(), bound=1)))
    assert inconclusive == {"winnable": None, "complete": False, "explored": 1, "win": None,
                            "softlocks": [], "unreachableEndings": []}


def test_a_one_shot_that_burns_the_only_key_path_is_a_softlock_entry() -> None:
    proof = prove(burnt_bridge())
    assert proof.winnable is True
    # Crossing without the key is an entry; swimming back from there stays stuck (not an entry).
    # Crossing *with* the key and swimming back burns the bridge too: a second entry. The flags are
    # those the witness holds, "wet" included although no event requires it.
    assert proof.softlocks == [
        Softlock(state="island", flags=[], path=["cross bridge"]),
        Softlock(state="shore", flags=["key", "wet"], path=["take key", "cross bridge", "swim back"]),
    ]


def test_softlock_entries_are_sorted_by_path_length_then_state() -> None:
    world = build_world(
        [ev("to b", "b"), ev("to c", "c"), ev("b to d", "d", frm=["b"]), ev("win", "w", frm=["a"])],
        states=("a", "b", "c", "d"), endings={"w": "win"},
    )
    assert [(lock.state, lock.path) for lock in prove(world).softlocks] == [
        ("b", ["to b"]), ("c", ["to c"]),
    ]


def test_endings_no_configuration_reaches_are_reported() -> None:
    world = lock_and_key()
    world["scene"]["states"]["crypt"] = {"base": "a crypt", "ending": {"kind": "lose", "title": "Lost"}}
    world["scene"]["states"]["tomb"] = {"base": "a tomb", "ending": {"kind": "win", "title": "Found"}}
    world["scene"]["events"].append(ev("dig", "tomb", frm=["cellar"], requires=["shovel"]))
    proof = prove(world)
    assert proof.unreachableEndings == ["crypt", "tomb"]
    assert proof.winnable is True


def test_a_hidden_auto_event_behind_an_earlier_one_never_fires() -> None:
    world = build_world([ev("trap", "pit", hidden=True, autoAfterMs=100),
                         ev("rescue", "home", hidden=True, autoAfterMs=5000),
                         ev("secret door", "home", hidden=True)],
                        states=("a",), endings={"pit": "lose", "home": "win"})
    proof = prove(world)
    assert (proof.winnable, proof.win, proof.unreachableEndings) == (False, None, ["home"])


def test_waiting_for_a_hidden_auto_event_is_a_move() -> None:
    world = build_world([ev("look", grants=["seen"]), ev("dawn", "day", hidden=True, autoAfterMs=900,
                                                         requires=["seen"])],
                        states=("a",), endings={"day": "win"})
    assert prove(world).win == Win(ending="day", path=["look", "dawn"])


def test_a_world_with_no_ending_is_a_softlock_from_the_start() -> None:
    proof = prove(build_world([ev("go", "b"), ev("back", "a", frm=["b"])]))
    assert (proof.winnable, proof.complete) == (False, True)
    assert proof.softlocks == [Softlock(state="a", flags=[], path=[])]


def test_an_entrance_that_is_a_win_is_won_by_the_empty_path() -> None:
    proof = prove(build_world([], states=(), endings={"a": "win"}))
    assert (proof.winnable, proof.win, proof.explored) == (True, Win(ending="a", path=[]), 1)


def test_without_an_entrance_nothing_can_be_won() -> None:
    proof = prove(lock_and_key() | {"entrance": {"state": "nowhere"}})
    assert proof == Proof(winnable=False, complete=True, explored=0, win=None, softlocks=[],
                          unreachableEndings=["pit", "vault"])


def test_past_the_bound_the_answer_is_inconclusive() -> None:
    proof = prove(lock_and_key(), bound=3)
    assert proof == Proof(winnable=None, complete=False, explored=3, win=None, softlocks=[],
                          unreachableEndings=[])


def test_a_win_found_before_the_bound_is_still_a_proof() -> None:
    world = lock_and_key()
    world["scene"]["events"].insert(0, ev("shortcut", "vault", frm=["hall"]))
    proof = prove(world, bound=4)
    assert (proof.winnable, proof.complete, proof.win) == (True, False, Win(ending="vault", path=["shortcut"]))
    assert proof.softlocks == []


def test_flags_no_event_requires_do_not_multiply_configurations() -> None:
    world = burnt_bridge()
    for index in range(10):
        world["scene"]["events"].append(ev(f"admire {index}", frm=["shore"], grants=[f"memory_{index}"]))
    proof, plain = prove(world), prove(burnt_bridge())
    assert (proof.explored, proof.softlocks) == (plain.explored, plain.softlocks)


def test_the_world_is_not_mutated() -> None:
    world = burnt_bridge()
    before = copy.deepcopy(world)
    prove(world)
    assert world == before


@pytest.mark.parametrize("bound", [0, -5, 1.5, True, "10"])
def test_a_bad_bound_is_refused(bound: Any) -> None:
    with pytest.raises(InvalidBound, match="positive integer"):
        prove(lock_and_key(), bound=bound)
