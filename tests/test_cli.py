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
