"""``create-admin``, ``demo`` and ``rotate-issuer-key``: setting up and looking after a ledger."""

from __future__ import annotations

import argparse
import getpass
import sys

from api.cli.errors import CliError
from api.demo import DemoSummary, load_demo
from api.issuer import IssuerKeyring, did_web
from api.passwords import check_password
from api.personal_data import ledger_for
from api.security import hash_password
from api.settings import Settings


def add_create_admin_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = commands.add_parser("create-admin", help="create an admin account")
    admin.add_argument("username")
    admin.add_argument("--display-name", default="Administrator")


def add_demo_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser("demo", help="fill an empty store with a realistic data set")
    demo.add_argument("--weeks", type=int, default=3, help="weeks of past service (default 3)")


def add_rotate_issuer_key_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    commands.add_parser(
        "rotate-issuer-key",
        help="retire the certificate signing key (it stays published) and make a new one",
    )


def run_create_admin(settings: Settings, args: argparse.Namespace) -> None:
    username, display_name = args.username, args.display_name
    password = _read_password()
    check_password(password, staff=True, related=[username, display_name])
    ledger = ledger_for(settings)
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


def run_demo(settings: Settings, args: argparse.Namespace) -> None:
    summary = load_demo(settings, weeks=args.weeks, progress=print)
    print_demo(summary, settings.public_url)


def run_rotate_issuer_key(settings: Settings) -> None:
    if settings.issuer_key:
        raise CliError(
            "the issuer key is configured (VOLUNTEER_LEDGER_ISSUER_KEY): rotate it there"
        )
    keyring = IssuerKeyring(
        settings.data_dir / "issuer-keys", did_web(settings.public_url), settings.issuer_key
    )
    retired = keyring.signing_method
    print(f"retired {retired}\nsigning with {keyring.rotate()}")


def print_demo(summary: DemoSummary, base_url: str) -> None:
    """The logins, each with its own password, and where to check the demo certificate.

    scripts/schemathesis.sh reads the admin's password as the last word of the line
    ``log in as admin: demo.admin / PASSWORD``: keep that line's shape."""
    print(
        f"demo data: {summary.volunteers} volunteers, {len(summary.shifts)} shifts "
        f"({summary.open_shifts} to come with places left)"
    )
    for role, login, password in summary.logins:
        print(f"  log in as {role}: {login} / {password}")
    if summary.certificate:
        url = f"{base_url.rstrip('/')}/V/{summary.certificate}"
        print(
            f"  a certificate of {summary.logins[-1][0]}: {summary.certificate}, check it at {url}"
        )


def _read_password() -> str:
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise CliError("the passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    return password
