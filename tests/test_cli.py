"""The ``smworld`` command: shapes of --json output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smworld.cli import main
from smworld.kernel.generate import generate

PREMISE = "a salt mine under a frozen lake"


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    return generate(PREMISE, seed=2, size=8)


@pytest.fixture
def world_file(tmp_path: Path, world: dict[str, Any]) -> Path:
    path = tmp_path / "world.json"
    path.write_text(json.dumps(world))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def broken_world(world: dict[str, Any]) -> dict[str, Any]:
    broken = json.loads(json.dumps(world))
    first = next(iter(broken["scene"]["states"]))
    broken["scene"]["states"][first]["base"] = "a hall with no doors"
    return broken


def test_validate_json_shape_and_exit_codes(capsys: pytest.CaptureFixture[str], world_file: Path,
                                            tmp_path: Path, world: dict[str, Any]) -> None:
    code, out, _ = run(capsys, "validate", str(world_file), "--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "diagnostics": []}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken_world(world)))
    code, out, _ = run(capsys, "validate", str(bad), "--json")
    body = json.loads(out)
    assert code == 1
    assert body["ok"] is False
    assert {d["lint"] for d in body["diagnostics"]} == {"negation"}


def test_lint_reports_prompt_budget(capsys: pytest.CaptureFixture[str], world_file: Path) -> None:
    code, out, _ = run(capsys, "lint", str(world_file), "--json")
    body = json.loads(out)
    assert code == 0
    assert body["promptBudget"] == 1900
    assert body["ok"] is True
    assert all(d["severity"] != "error" for d in body["diagnostics"])


def test_check_proves_a_generated_world(capsys: pytest.CaptureFixture[str], world_file: Path) -> None:
    code, out, _ = run(capsys, "check", str(world_file), "--json")
    body = json.loads(out)
    assert code == 0
    assert set(body) == {"winnable", "complete", "explored", "win", "softlocks", "unreachableEndings", "verdict"}
    assert body["winnable"] is True and body["complete"] is True
    assert body["verdict"]["score"] == 100
    assert body["win"]["path"]


def test_check_inconclusive_exits_one(capsys: pytest.CaptureFixture[str], world_file: Path) -> None:
    code, out, _ = run(capsys, "check", str(world_file), "--bound", "1")
    assert code == 1
    assert "inconclusive" in out or "winnable: yes" in out


def test_apply_write_result_and_rejection(capsys: pytest.CaptureFixture[str], world_file: Path,
                                          tmp_path: Path, world: dict[str, Any]) -> None:
    ops = tmp_path / "ops.json"
    ops.write_text(json.dumps([{"op": "set_narrate", "narrate": True}, {"op": "delete_event", "name": "nope"}]))
    code, out, _ = run(capsys, "apply", str(world_file), str(ops), "--json")
    body = json.loads(out)
    assert code == 1  # one op could not be applied
    assert body["world"]["narrate"] is True
    assert body["applyErrors"] == [{"index": 1, "op": "delete_event", "status": 404,
                                    "message": body["applyErrors"][0]["message"]}]
    first = next(iter(world["scene"]["states"]))
    ops.write_text(json.dumps({"ops": [{"op": "update_state", "id": first, "patch": {"base": "nothing here"}}]}))
    code, out, _ = run(capsys, "apply", str(world_file), str(ops), "--json")
    body = json.loads(out)
    assert code == 1
    assert "world" not in body
    assert body["diagnostics"][0]["lint"] == "negation"
    assert json.loads(world_file.read_text()) == world


def test_apply_writes_output_file(capsys: pytest.CaptureFixture[str], world_file: Path, tmp_path: Path) -> None:
    ops = tmp_path / "ops.json"
    ops.write_text(json.dumps([{"op": "set_subject", "subject": "a miner"}]))
    out_file = tmp_path / "out.json"
    code, _, _ = run(capsys, "apply", str(world_file), str(ops), "-o", str(out_file))
    assert code == 0
    assert json.loads(out_file.read_text())["subject"] == "a miner"


def test_diff_shape(capsys: pytest.CaptureFixture[str], world_file: Path, tmp_path: Path,
                    world: dict[str, Any]) -> None:
    other = json.loads(json.dumps(world))
    other["scene"]["states"]["extra_room"] = {"base": "a narrow gallery of blue ice"}
    other_file = tmp_path / "other.json"
    other_file.write_text(json.dumps(other))
    code, out, _ = run(capsys, "diff", str(world_file), str(other_file), "--json")
    body = json.loads(out)
    assert code == 1
    assert body["states"] == {"added": ["extra_room"], "removed": [], "changed": []}
    assert body["events"] == {"added": [], "removed": [], "changed": []}
    code, out, _ = run(capsys, "diff", str(world_file), str(world_file))
    assert code == 0
    assert "no differences" in out


def test_new_is_deterministic(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "new", PREMISE, "--seed", "5", "--states", "6", "--json")
    assert code == 0
    first = json.loads(out)
    code, out, _ = run(capsys, "new", PREMISE, "--seed", "5", "--states", "6", "--json")
    assert json.loads(out) == first
    assert len(first["scene"]["states"]) == 6


def test_play_scripted_reaches_the_win(capsys: pytest.CaptureFixture[str], world_file: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = run(capsys, "check", str(world_file), "--json")
    path = json.loads(out)["win"]["path"]
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(path) + "\n"))
    code, out, _ = run(capsys, "play", str(world_file), "--json")
    views = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert views[0]["type"] == "view" and views[0]["choices"]
    assert views[-1]["ending"]["kind"] == "win"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["validate", "/nonexistent/world.json"], "cannot read"),
        (["check", "-"], "malformed JSON"),
        (["new", "", "--states", "6"], "premise"),
        (["new", "a cave", "--states", "3"], "5"),
    ],
)
def test_bad_input_is_one_line_and_exit_two(argv: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "smworld.cli", *argv], input="{not json", capture_output=True,
                          text=True, check=False)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    committed = json.loads((Path(__file__).parent.parent / "smworld/schemas/smworld-1.0.json").read_text())
    assert code == 0
    assert json.loads(out) == committed


def test_usage_error_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate"])
    assert exited.value.code == 2


def test_tour_json_is_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tour", "--json")
    body = json.loads(out)
    assert code == 0
    assert body["lint"]["ok"] is True
    assert body["check"]["winnable"] is True and body["check"]["verdict"]["score"] == 100
    assert len(body["world"]["scene"]["states"]) == 12


def test_tour_replays_a_win(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tour")
    assert code == 0
    assert "*** WIN:" in out


def test_check_says_why_play_cannot_start(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "no-entrance.json"
    path.write_text(json.dumps({"scene": {"states": {"hall": {"base": "a stone hall"}}, "events": []}}))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert "play cannot start" in out


def test_kernel_commands_do_not_import_the_http_shell(world_file: Path) -> None:
    code = ("import sys; from smworld.cli import main; code = main(['validate', sys.argv[1]]); "
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'aiosqlite', 'jwt') "
            "or m.startswith('smworld.shell')); "
            "assert not loaded, loaded; sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, str(world_file)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "ok: no errors" in done.stdout


def test_serve_and_admin_parse_without_the_http_shell() -> None:
    code = ("import sys; from smworld.cli import build_parser; "
            "args = build_parser().parse_args(['admin', 'caps', '--app', 'a', '--set', 'edit=1']); "
            "assert args.set == ['edit=1']; build_parser().parse_args(['serve', '--port', '9000']); "
            "assert 'aiohttp' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


DEEP = "[" * 2000 + "]" * 2000


def deep_world(depth: int) -> str:
    """A world whose unknown key holds ``depth`` nested arrays (valid JSON, absurdly deep)."""
    return ('{"scene": {"states": {"hall": {"base": "a stone hall"}}, "events": []}, "entrance": {"state": "hall"},'
            f' "x": {"[" * depth}{"]" * depth}}}')


@pytest.mark.parametrize("depth", [2000, 100_000])
@pytest.mark.parametrize("command", ["validate", "lint", "check", "play", "diff", "apply"])
def test_deeply_nested_input_is_one_line_saying_so(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                    world_file: Path, command: str, depth: int) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(deep_world(depth))
    argv = {"diff": [str(world_file), str(deep)], "apply": [str(world_file), str(deep)]}.get(command, [str(deep)])
    code, _, err = run(capsys, command, *argv)
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"smworld {command}: {deep}: ") and "nested too deeply" in line


def test_deeply_nested_stdin_is_one_line_and_exit_two() -> None:
    done = subprocess.run([sys.executable, "-m", "smworld.cli", "validate", "-"], input="[" * 2000,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("smworld validate: -: ") and "nested too deeply" in line


def test_recursion_anywhere_in_a_command_is_reported_not_raised(capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                world_file: Path) -> None:
    from smworld.cli import commands

    def deep(*_: Any, **__: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(commands.gate, "lint", deep)
    code, _, err = run(capsys, "lint", str(world_file))
    assert code == 2
    assert err.strip().splitlines() == ["smworld lint: the input is nested too deeply (arrays or objects inside "
                                        "each other) to be read"]


@pytest.mark.parametrize("argv", [["tour"], ["schema"], ["new", PREMISE, "--states", "40"], ["play", "WORLD"]])
def test_a_closed_stdout_ends_quietly(argv: list[str], world_file: Path) -> None:
    argv = [str(world_file) if a == "WORLD" else a for a in argv]
    process = subprocess.Popen([sys.executable, "-m", "smworld.cli", *argv], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stdin is not None
    process.stdout.close()  # the reader is gone before the first line: `smworld tour | head -0`
    _, err = process.communicate(input=b"1\n1\n1\n", timeout=120)
    assert err.decode() == ""
    assert process.returncode in (0, 141)


def test_apply_and_new_say_what_they_wrote(capsys: pytest.CaptureFixture[str], world_file: Path,
                                           tmp_path: Path) -> None:
    ops = tmp_path / "ops.json"
    ops.write_text(json.dumps([{"op": "set_narrate", "narrate": True}]))
    out_file = tmp_path / "out.json"
    for extra in ([], ["--json"]):
        code, _, err = run(capsys, "apply", str(world_file), str(ops), "-o", str(out_file), *extra)
        world = json.loads(out_file.read_text())
        assert code == 0
        assert err == (f"wrote {out_file}: {world['name']!r}, {len(world['scene']['states'])} states, "
                       f"{len(world['scene']['events'])} events\n")
    code, out, err = run(capsys, "apply", str(world_file), str(ops), "-o", "-")
    assert code == 0 and json.loads(out)["narrate"] is True and "wrote" not in err
    code, _, err = run(capsys, "new", PREMISE, "--states", "6", "-o", str(out_file), "--json")
    assert code == 0 and err.startswith(f"wrote {out_file}: ") and "6 states" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["new", PREMISE, "--states", "0"], "smworld new: --states: must be an integer from 5 to 10,000 (got 0)"),
    (["new", PREMISE, "--states", "10001"], "smworld new: --states: must be an integer from 5 to 10,000 (got 10001)"),
    (["new", " ", "--states", "6"], "smworld new: premise: must be a non-empty string"),
    (["tour", "--premise", ""], "smworld tour: --premise: must be a non-empty string"),
    (["check", "WORLD", "--bound", "0"], "smworld check: --bound must be"),
])
def test_errors_name_the_flag_the_user_typed(capsys: pytest.CaptureFixture[str], world_file: Path,
                                             argv: list[str], message: str) -> None:
    code, _, err = run(capsys, *[str(world_file) if a == "WORLD" else a for a in argv])
    assert code == 2
    assert err.startswith(message) and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("text", "named"), [("null", "null"), ("[]", "array"), ('"w"', "string"), ("3", "integer"),
                                             ("true", "boolean")])
def test_input_that_is_not_a_world_is_named_in_json_words(text: str, named: str) -> None:
    done = subprocess.run([sys.executable, "-m", "smworld.cli", "validate", "-"], input=text,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"smworld validate: -: expected a JSON object (a world), got {named}"
