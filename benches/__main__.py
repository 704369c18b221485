"""``python -m benches [--json] [--only NAME ...] [--sizes N ...] [--quick]``."""

from __future__ import annotations

import argparse
import json
import sys

from .harness import format_table
from .kernel_bench import SIZES, kernel_rows
from .shell_bench import shell_rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benches", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the table as a JSON list")
    parser.add_argument("--only", nargs="*", default=None,
                        help="run only these groups: validate write diff batch codec proof shell")
    parser.add_argument("--sizes", nargs="*", type=int, default=list(SIZES), help="world sizes in states")
    parser.add_argument("--quick", action="store_true",
                        help="shell group: fewer requests and rounds (for development; figures are noisier)")
    args = parser.parse_args()
    wanted = set(args.only) if args.only else None
    rows = kernel_rows(tuple(args.sizes), only=lambda name: wanted is None or name in wanted)
    if wanted is None or "shell" in wanted:
        rows += shell_rows(quick=args.quick)
    if args.json:
        json.dump([row.as_json() for row in rows], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
