"""``volunteer-ledger bench``: the benchmark, which lives in the ``bench`` package beside the
service (an editable install or a clone has it; a wheel of the service need not).

``api`` does not depend on ``bench``: the package is loaded by name only when the subcommand
runs, so neither the app nor the rest of the command imports it, and its options are its own
(``volunteer-ledger bench --help``).
"""

from __future__ import annotations

import argparse
import importlib

from api.cli.errors import CliError


def add_bench_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = commands.add_parser(
        "bench",
        help="build a ledger, load the service with wrk, write a report (see --help)",
        add_help=False,
        prefix_chars="\0",  # every option goes to the benchmark's own parser
    )
    bench.add_argument("arguments", nargs=argparse.REMAINDER)


def run_bench(args: argparse.Namespace) -> int:
    try:
        command = importlib.import_module("bench.command")
    except ModuleNotFoundError as missing:
        if missing.name not in ("bench", "bench.command"):
            raise CliError(
                f"the benchmark needs {missing.name}: pip install 'volunteer-ledger[bench]'"
            ) from None
        raise CliError(
            "the benchmark is not installed: run it from a clone of the project "
            "(pip install -e '.[bench]')"
        ) from None
    return int(command.main(args.arguments, prog="volunteer-ledger bench"))
