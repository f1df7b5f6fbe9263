"""The ``volunteer-ledger`` command: run the service, load demo data, administer the ledger.

One module per subcommand family, each adding its parser and running it: ``serve``,
``admin`` (create-admin, demo, rotate-issuer-key), ``projections``, ``log`` (verify-log),
``certificates`` (verify-certificate), ``migrate`` and ``bench`` (the benchmark, loaded
only when run). This module parses, reads the settings once and dispatches.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from api.cli.admin import (
    add_create_admin_parser,
    add_demo_parser,
    add_rotate_issuer_key_parser,
    run_create_admin,
    run_demo,
    run_rotate_issuer_key,
)
from api.cli.bench import add_bench_parser, run_bench
from api.cli.certificates import add_verify_certificate_parser, run_verify_certificate
from api.cli.errors import CliError
from api.cli.log import add_verify_log_parser, run_verify_log
from api.cli.migrate import add_migrate_parser, run_migrate
from api.cli.projections import add_projections_parser, run_projections
from api.cli.serve import add_serve_parser, run_serve
from api.demo import DemoRefusedError
from api.private_files import private_data_dir
from api.settings import Settings, setting_problems
from domain.errors import LedgerError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="volunteer-ledger", description="An event-sourced ledger of volunteer service."
    )
    parser.add_argument(
        "--store", help="store URL (default: $VOLUNTEER_LEDGER_STORE, else SQLite in ./data)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    add_serve_parser(commands)
    add_create_admin_parser(commands)
    add_demo_parser(commands)
    add_projections_parser(commands)
    add_verify_log_parser(commands)
    add_verify_certificate_parser(commands)
    add_rotate_issuer_key_parser(commands)
    add_bench_parser(commands)
    add_migrate_parser(commands)
    return parser


#: Commands that may create files in the data folder (stores, keys).
_WRITES_DATA = frozenset(
    {"serve", "create-admin", "demo", "projections", "verify-log", "rotate-issuer-key", "migrate"}
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.store:
        os.environ["VOLUNTEER_LEDGER_STORE"] = args.store
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"volunteer-ledger: {setting_problems(error)}", file=sys.stderr)
        return 2
    if args.command in _WRITES_DATA:
        private_data_dir(settings.data_dir)
    try:
        if args.command == "serve":
            run_serve(settings, args)
        elif args.command == "create-admin":
            run_create_admin(settings, args)
        elif args.command == "demo":
            run_demo(settings, args)
        elif args.command == "projections":
            return run_projections(settings, args)
        elif args.command == "verify-log":
            return run_verify_log(args, settings)
        elif args.command == "verify-certificate":
            return run_verify_certificate(args)
        elif args.command == "rotate-issuer-key":
            run_rotate_issuer_key(settings)
        elif args.command == "bench":
            return run_bench(args)
        elif args.command == "migrate":
            return run_migrate(settings, args)
    except (LedgerError, DemoRefusedError, CliError) as error:
        print(f"volunteer-ledger: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
