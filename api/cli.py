"""The ``volunteer-ledger`` command: run the service, load demo data, administer the ledger."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.demo import DemoRefusedError, load_demo
from api.settings import Settings
from domain.errors import LedgerError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="volunteer-ledger", description="An event-sourced ledger of volunteer service."
    )
    parser.add_argument(
        "--store", help="store URL (default: $VOLUNTEER_LEDGER_STORE or SQLite in ./data)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="fill an empty store with a realistic data set")
    demo.add_argument("--weeks", type=int, default=3, help="weeks of past service (default 3)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    store = args.store or settings.store_url()
    try:
        if args.command == "demo":
            summary = load_demo(store, weeks=args.weeks, progress=lambda line: print(line))
            print(f"demo data loaded into {store}: {len(summary.shifts)} shifts")
    except (LedgerError, DemoRefusedError) as error:
        print(f"volunteer-ledger: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
