"""``smworld serve`` and ``smworld admin …`` as a user runs them: restarts keep the dev keys, and every
start-up or admin failure is one line, exit code 2, with nothing changed."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from smworld.cli import main
from smworld.shell.cli import BOOTSTRAP_KEY, DEV_APP, DEV_USER
from smworld.shell.store.sqlite import SQLiteStore

from .server import ROOT, free_port

SMWORLD = [sys.executable, "-m", "smworld.cli"]
RUNNING = re.compile(r"Running on http://")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMWORLD_")}
    return {**env, "SMWORLD_LOG_LEVEL": "WARNING", **extra}


def run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A command expected to end by itself (a server that starts anyway is a failure, not a hang)."""
    return subprocess.run([*SMWORLD, *argv], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.fixture
def smworld(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
            ) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``smworld ARGV`` in this process (a start-up failure never reaches the server), env ``SMWORLD_*`` only
    from the keyword arguments; the result is shaped like :func:`run`'s."""

    def call(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as patch:
            for name in [k for k in os.environ if k.startswith("SMWORLD_")]:
                patch.delenv(name)
            for name, value in {"SMWORLD_LOG_LEVEL": "WARNING", **env}.items():
                patch.setenv(name, value)
            code = main(list(argv))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(list(argv), code, out, err)

    return call


def assert_one_line_exit_two(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


class Serve:
    """``smworld serve --dev-bootstrap`` in a child process; ``output`` is what it printed until ready."""

    def __init__(self, db: Path, port: int) -> None:
        self.process = subprocess.Popen([*SMWORLD, "serve", "--dev-bootstrap", "--db", str(db), "--port", str(port)],
                                        cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        lines: list[str] = []
        assert self.process.stdout is not None
        for line in self.process.stdout:
            lines.append(line)
            if RUNNING.search(line):
                break
        self.output = "".join(lines)
        assert RUNNING.search(self.output), self.output

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.communicate(timeout=30)


def printed(output: str, label: str) -> str:
    match = re.search(rf"{label}:\s+(\S+)", output)
    assert match, output
    return match.group(1)


def status(url: str, key: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_second_start_keeps_the_dev_keys_and_a_start_on_a_taken_port_changes_nothing(tmp_path: Path) -> None:
    db, port = tmp_path / "dev.db", free_port()
    worlds = f"http://127.0.0.1:{port}/v1/worlds"
    first = Serve(db, port)
    try:
        sk, pk = printed(first.output, "secret key"), printed(first.output, "publishable key")
        assert sk.startswith("sk_test_") and pk.startswith("pk_test_")
        assert status(worlds, sk) == 200
        # a second `make run` while the first one serves: one line, exit 2, and the keys still work
        done = run("serve", "--dev-bootstrap", "--db", str(db), "--port", str(port))
        assert_one_line_exit_two(done, f"port {port}", "already in use", "--port", "SMWORLD_PORT")
        assert done.stdout == ""
        assert status(worlds, sk) == 200 and status(worlds, pk) == 200
    finally:
        first.stop()
    second = Serve(db, port)
    try:
        assert sk not in second.output and pk not in second.output  # plaintext is shown only once…
        assert f"{sk[:12]}…" in second.output and f"{pk[:12]}…" in second.output  # …then its prefix
        assert "admin create-key" in second.output and f"--db {db}" in second.output
        assert printed(second.output, r"user token \(30 days\)").startswith("ey")
        assert 'curl -s -X POST' in second.output and '"Authorization: Bearer $SK"' in second.output
        assert status(worlds, sk) == 200 and status(worlds, pk) == 200
    finally:
        second.stop()


async def test_the_bootstrap_mints_only_the_kind_that_is_missing(tmp_path: Path) -> None:
    from smworld.shell.cli import _bootstrap
    from smworld.shell.config import Config

    config = Config.from_env({}, db=tmp_path / "dev.db")
    store = SQLiteStore(config.db)
    await store.open()
    try:
        first = await _bootstrap(store, config)
        app = next(a for a in await store.apps.list_apps(DEV_USER, 100, None) if a.name == DEV_APP)
        keys = {k.kind: k for k in await store.apps.list_keys(app.id) if k.name == BOOTSTRAP_KEY}
        await store.apps.revoke_key(app.id, keys["publishable"].id, time.time())
        second = await _bootstrap(store, config)
        after = [k for k in await store.apps.list_keys(app.id) if k.name == BOOTSTRAP_KEY and k.revoked_at is None]
    finally:
        await store.close()
    assert printed(first, "secret key").startswith("sk_test_")
    assert sorted(k.kind for k in after) == ["publishable", "secret"]
    assert keys["secret"].id in {k.id for k in after}  # the secret key survived
    assert printed(second, "publishable key").startswith("pk_test_") and len(printed(second, "publishable key")) > 40
    assert printed(second, "secret key") == keys["secret"].prefix


@pytest.fixture(scope="module")
def existing_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio

    db = tmp_path_factory.mktemp("admin") / "smworld.db"

    async def create() -> None:
        store = SQLiteStore(db)
        await store.open()
        await store.close()

    asyncio.run(create())
    return db


Smworld = Callable[..., subprocess.CompletedProcess[str]]


def test_admin_refuses_a_database_that_does_not_exist(tmp_path: Path, smworld: Smworld) -> None:
    typo = tmp_path / "smwrold.db"
    for argv in (["user-token", "--user", "alice"], ["create-app", "--user", "alice", "--name", "x"],
                 ["create-key", "--app", "app_x"], ["caps", "--app", "app_x"]):
        done = smworld("admin", *argv, "--db", str(typo))
        assert_one_line_exit_two(done, f"--db {typo}", "no database", f"serve --db {typo}")
        assert not typo.exists()
    done = smworld("admin", "user-token", "--user", "alice", SMWORLD_DB=str(typo))
    assert_one_line_exit_two(done, f"SMWORLD_DB={typo}")
    assert not typo.exists()


def test_admin_works_on_an_existing_database(existing_db: Path, smworld: Smworld) -> None:
    done = smworld("admin", "user-token", "--db", str(existing_db), "--user", "alice", "--ttl", "60")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ey")


@pytest.mark.parametrize(
    ("argv", "env", "needles"),
    [
        (["admin", "user-token", "--user", "a", "--ttl", "0"], {}, ("--ttl", "positive")),
        (["admin", "user-token", "--user", "a", "--ttl", "-5"], {}, ("--ttl", "positive")),
        (["admin", "create-key", "--app", "app_nope"], {}, ("--app", "app_nope")),
        (["admin", "caps", "--app", "app_nope", "--set", "generaton=1"], {}, ("--set", "generation")),
        (["admin", "user-token", "--user", "a"], {"SMWORLD_CAP_GENERATOIN": "5"},
         ("SMWORLD_CAP_GENERATOIN", "SMWORLD_CAP_GENERATION")),
    ],
)
def test_admin_failures_are_one_line(existing_db: Path, argv: list[str], env: dict[str, str],
                                     needles: tuple[str, ...], smworld: Smworld) -> None:
    assert_one_line_exit_two(smworld(*argv, "--db", str(existing_db), **env), *needles)


def test_serve_failures_are_one_line_and_change_nothing(tmp_path: Path, smworld: Smworld) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("hello")
    port = str(free_port())
    cases: list[tuple[list[str], dict[str, str], tuple[str, ...]]] = [
        ([], {"SMWORLD_LOG_LEVEL": "LOUD"}, ("SMWORLD_LOG_LEVEL", "INFO", "DEBUG")),
        ([], {"SMWORLD_CAP_GENERATOIN": "5"}, ("SMWORLD_CAP_GENERATOIN", "SMWORLD_CAP_GENERATION")),
        ([], {"SMWORLD_PORT": "http"}, ("SMWORLD_PORT",)),
        (["--db", str(a_file / "x.db")], {}, (f"--db {a_file / 'x.db'}", "is a file, not a directory")),
        (["--db", str(tmp_path)], {}, ("is a directory",)),
        (["--db", str(not_sqlite)], {}, ("not an SQLite database",)),
        (["--host", "no-such-host.invalid"], {}, ("--host", "no-such-host.invalid")),
        (["--host", "192.0.2.1"], {}, ("--host", "192.0.2.1", "not an address of this machine")),
    ]
    for argv, env, needles in cases:
        db = ["--db", str(tmp_path / "fresh.db")] if "--db" not in argv else []
        done = smworld("serve", "--dev-bootstrap", "--port", port, *db, *argv, **env)
        assert_one_line_exit_two(done, *needles)
        assert done.stdout == ""
        assert not (tmp_path / "fresh.db").exists()
    assert not_sqlite.read_text() == "hello"


def test_serve_names_a_db_path_it_cannot_create(tmp_path: Path, smworld: Smworld) -> None:
    """A --db under a file (not a folder) cannot be created by anyone, root included."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = smworld("serve", "--db", str(blocker / "x.db"), "--port", str(free_port()))
    assert_one_line_exit_two(done, "--db")
    assert blocker.read_text() == "not a folder"


def test_python_m_smworld_shell_is_smworld_serve() -> None:
    done = subprocess.run([sys.executable, "-m", "smworld.shell", "--help"], cwd=ROOT, env=clean_env(),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    for flag in ("--host", "--port", "--db", "--dev-bootstrap"):
        assert flag in done.stdout


def test_a_port_in_use_from_the_module_entry_point_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "smworld.shell", "--port", str(port), "--db",
                               str(tmp_path / "x.db")], cwd=ROOT, env=clean_env(), capture_output=True, text=True,
                              timeout=60, check=False)
    assert_one_line_exit_two(done, f"port {port}", "--port")
    assert not (tmp_path / "x.db").exists()
