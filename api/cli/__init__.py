"""The ``volunteer-ledger`` command: run the service, load demo data, administer the ledger."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import ValidationError

from api.cli.certificates import add_verify_certificate_parser, run_verify_certificate
from api.cli.log import add_verify_log_parser, run_verify_log
from api.cli.projections import CliError, add_projections_parser, run_projections
from api.demo import DemoRefusedError, DemoSummary, load_demo
from api.issuer import IssuerKeyring, did_web
from api.passwords import check_password
from api.private_files import private_data_dir
from api.security import hash_password
from api.settings import Settings, served_url, setting_problems
from domain.errors import LedgerError
from domain.ledger import Ledger
from domain.storage import POSTGRES_CONNECTION


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="volunteer-ledger", description="An event-sourced ledger of volunteer service."
    )
    parser.add_argument(
        "--store", help="store URL (default: $VOLUNTEER_LEDGER_STORE, else SQLite in ./data)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API (docs at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="more than 1 needs PostgreSQL")
    serve.add_argument("--demo", action="store_true", help="load the demo data into an empty store")
    admin = commands.add_parser("create-admin", help="create an admin account")
    admin.add_argument("username")
    admin.add_argument("--display-name", default="Administrator")
    demo = commands.add_parser("demo", help="fill an empty store with a realistic data set")
    demo.add_argument("--weeks", type=int, default=3, help="weeks of past service (default 3)")
    add_projections_parser(commands)
    add_verify_log_parser(commands)
    add_verify_certificate_parser(commands)
    commands.add_parser(
        "rotate-issuer-key",
        help="retire the certificate signing key (it stays published) and make a new one",
    )
    return parser


#: Commands that may create files in the data folder (stores, keys).
_WRITES_DATA = frozenset(
    {"serve", "create-admin", "demo", "projections", "verify-log", "rotate-issuer-key"}
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
            _serve(settings, args)
        elif args.command == "create-admin":
            _create_admin(settings, args.username, args.display_name)
        elif args.command == "demo":
            _print_demo(load_demo(settings.store_url(), weeks=args.weeks, progress=print))
        elif args.command == "projections":
            return run_projections(settings, args)
        elif args.command == "verify-log":
            return run_verify_log(args, settings)
        elif args.command == "verify-certificate":
            return run_verify_certificate(args)
        elif args.command == "rotate-issuer-key":
            _rotate_issuer_key(settings)
    except (LedgerError, DemoRefusedError, CliError) as error:
        print(f"volunteer-ledger: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    store = settings.store_url()
    if args.workers > 1 and not store.startswith(("postgresql:", "postgres:")):
        raise CliError("--workers above 1 needs PostgreSQL: set VOLUNTEER_LEDGER_STORE")
    _require_reachable(store)
    if args.demo:
        try:
            _print_demo(load_demo(store, progress=print))
        except DemoRefusedError:
            print("the store already holds data; serving it without loading the demo")
    if "public_url" not in settings.model_fields_set:  # the workers' Settings() read this
        os.environ["VOLUNTEER_LEDGER_PUBLIC_URL"] = served_url(args.host, args.port)
    print(f"serving {store} at http://{args.host}:{args.port}/docs")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        **uvicorn_options(settings),
    )


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Believe X-Forwarded-For only from the configured proxies. Uvicorn's own default
    believes any local client, which could then pose as any address and escape the limit on
    failed logins per address."""
    trusted = settings.trusted_proxies
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def _require_reachable(store: str) -> None:
    """A PostgreSQL store that cannot be reached stops ``serve`` at once with one line.

    (Once serving, the service outlives the database going away: it answers 503 meanwhile.)
    """
    parts = urlsplit(store)
    if parts.scheme not in ("postgresql", "postgres"):
        return
    import psycopg
    from psycopg.conninfo import make_conninfo

    conninfo = make_conninfo(urlunsplit(parts._replace(query="")), **POSTGRES_CONNECTION)
    try:
        psycopg.connect(conninfo).close()
    except psycopg.Error as error:
        lines = str(error).strip().splitlines()
        where = f"{parts.hostname}:{parts.port or 5432}{parts.path}"
        raise CliError(
            f"cannot reach the database at {where}: {lines[0] if lines else type(error).__name__}"
        ) from None


def _create_admin(settings: Settings, username: str, display_name: str) -> None:
    password = _read_password()
    check_password(password, staff=True, related=[username, display_name])
    ledger = Ledger(settings.store_url(), policy=settings.policy())
    try:
        ledger.create_staff_account(
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            is_admin=True,
        )
    finally:
        ledger.close()
    print(f"admin {username.lower()} created")


def _read_password() -> str:
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise CliError("the passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    return password


def _rotate_issuer_key(settings: Settings) -> None:
    if settings.issuer_key:
        raise CliError(
            "the issuer key is configured (VOLUNTEER_LEDGER_ISSUER_KEY): rotate it there"
        )
    keyring = IssuerKeyring(
        settings.data_dir / "issuer-keys", did_web(settings.public_url), settings.issuer_key
    )
    retired = keyring.signing_method
    print(f"retired {retired}\nsigning with {keyring.rotate()}")


def _print_demo(summary: DemoSummary) -> None:
    print(f"demo data: {summary.volunteers} volunteers, {len(summary.shifts)} shifts")
    if summary.certificate:
        print(f"  a certificate of {summary.logins[-1][0]}: {summary.certificate}")
    for role, login, password in summary.logins:
        print(f"  log in as {role}: {login} / {password}")
