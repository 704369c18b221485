"""The ``serve`` and ``admin …`` commands: their flags here, their work in :mod:`smworld.shell.cli`.

The shell (and aiohttp with it) is imported only when one of these commands runs, so the kernel
commands (``validate``, ``lint``, …) start without loading the HTTP stack.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from .io import CliError

__all__ = ["add_commands", "serve_arguments"]

Handler = Callable[[argparse.Namespace], int]


def _shell(name: str) -> Handler:
    """A handler that imports the shell's command ``name`` when it runs, and reports its errors."""

    def run(args: argparse.Namespace) -> int:
        from smworld.shell import cli as shell_cli

        try:
            code: int = getattr(shell_cli, name)(args)
        except shell_cli.CommandError as exc:
            raise CliError(str(exc)) from None
        return code

    return run


def serve_arguments(p: argparse.ArgumentParser) -> None:
    """The flags of ``smworld serve`` (``python -m smworld.shell`` runs ``smworld serve``)."""
    p.add_argument("--host", default=None, help="interface to bind (default 127.0.0.1; env SMWORLD_HOST)")
    p.add_argument("--port", type=int, default=None, help="port (default 8080; env SMWORLD_PORT)")
    p.add_argument("--db", type=Path, default=None,
                   help="SQLite file, created on first start (default var/smworld.db; env SMWORLD_DB)")
    p.add_argument("--dev-bootstrap", action="store_true",
                   help="ensure a test app with test keys for the 'dev' user (minted once, kept across "
                        "restarts) and print a user token with curl lines")


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None,
                   help="an existing SQLite file (default var/smworld.db; env SMWORLD_DB); "
                        "`smworld serve --db PATH` creates one")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` and ``admin`` to the ``smworld`` command."""
    serve = sub.add_parser("serve", help="run the HTTP API", description="Run the /v1 HTTP API.")
    serve_arguments(serve)
    serve.set_defaults(func=_shell("serve_command"))

    admin = sub.add_parser("admin", help="administer a database: user tokens, apps, keys, caps")
    commands = admin.add_subparsers(dest="admin_command", required=True, metavar="ADMIN_COMMAND")

    p = commands.add_parser("user-token", help="print a user-session JWT for this database's secret")
    _db(p)
    p.add_argument("--user", required=True, help="the user id (the JWT's sub)")
    p.add_argument("--ttl", type=int, default=30 * 24 * 3600, help="lifetime in seconds (default 30 days)")
    p.set_defaults(func=_shell("user_token_command"))

    p = commands.add_parser("create-app", help="create an app owned by a user; prints it as JSON")
    _db(p)
    p.add_argument("--user", required=True)
    p.add_argument("--name", required=True)
    p.set_defaults(func=_shell("create_app_command"))

    p = commands.add_parser("create-key", help="mint an API key for an app; prints it (plaintext shown once)")
    _db(p)
    p.add_argument("--app", required=True, help="app id")
    p.add_argument("--kind", choices=("secret", "publishable"), default="secret")
    p.add_argument("--mode", choices=("test", "live"), default="test")
    p.add_argument("--scopes", nargs="*", default=None)
    p.set_defaults(func=_shell("create_key_command"))

    p = commands.add_parser("caps", help="show or set an app's daily caps (0 = unlimited)")
    _db(p)
    p.add_argument("--app", required=True, help="app id")
    p.add_argument("--set", nargs="*", default=[], metavar="KIND=N",
                   help="e.g. generation=10 edit=0 (the kinds are those `caps` prints)")
    p.set_defaults(func=_shell("caps_command"))
