"""The kernel's public surface is explicit, and importing it pulls in no I/O library."""

from __future__ import annotations

import subprocess
import sys

import smworld.kernel as kernel


def test_all_is_sorted_and_complete() -> None:
    names = kernel.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert all(hasattr(kernel, name) for name in names)
    public = {n for n in vars(kernel) if not n.startswith("_") and n != "annotations"}
    submodules = {"analysis", "codec", "diagnostics", "errors", "gate", "hotkeys", "ops", "play", "playability",
                  "prose", "text", "touched", "world", "write"}
    assert public - submodules - {"diff", "generate", "model", "versions"} <= set(names)


def test_importing_the_kernel_loads_no_io_library() -> None:
    code = ("import sys, smworld.kernel; "
            "print(sorted(m for m in ('aiohttp', 'aiosqlite', 'jwt', 'asyncio', 'sqlite3') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
