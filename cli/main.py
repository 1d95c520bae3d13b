"""``dsrflow``: run the stack, manage portal users, seed demo data, verify records."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from runtime.logging_setup import configure_logging
from runtime.temporal import TemporalUnavailableError
from settings import Settings, get_settings


def _dev(_arguments: argparse.Namespace, settings: Settings) -> int:
    from runtime.dev import run_dev

    return run_dev(settings)


def _worker(_arguments: argparse.Namespace, settings: Settings) -> int:
    from runtime.processes import run_worker

    try:
        asyncio.run(run_worker(settings))
    except TemporalUnavailableError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    return 0


def _api(_arguments: argparse.Namespace, settings: Settings) -> int:
    from runtime.processes import run_api

    try:
        asyncio.run(run_api(settings))
    except TemporalUnavailableError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    return 0


def _users_create(arguments: argparse.Namespace, settings: Settings) -> int:
    from cli.users import create_portal_user

    if arguments.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password (12 characters or more): ")
    return create_portal_user(settings, arguments.username, password)


def _records_verify(arguments: argparse.Namespace, settings: Settings) -> int:
    from cli.records import verify_record_file

    return verify_record_file(settings, Path(arguments.file))


def _demo(arguments: argparse.Namespace, settings: Settings) -> int:
    from cli.demo import run_demo

    return run_demo(
        settings, contracts=arguments.seed, as_json=arguments.json, faker_seed=arguments.faker_seed
    )


def _deadlines(arguments: argparse.Namespace, _settings: Settings) -> int:
    from cli.deadlines import run_deadlines

    return run_deadlines(arguments)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dsrflow", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("dev", help="run Temporal dev server, mail sink, worker and API together")
    commands.add_parser("worker", help="run the request worker")
    commands.add_parser("api", help="run the web form, portal and JSON API")

    demo = commands.add_parser(
        "demo", help="seed contracts and drive one request of each kind through the running stack"
    )
    demo.add_argument(
        "--seed",
        type=positive_int,
        default=1000,
        metavar="N",
        help="number of demo contracts to create (default 1000)",
    )
    demo.add_argument(
        "--faker-seed",
        type=int,
        default=1,
        help="random seed for the generated people and contracts (default 1)",
    )
    demo.add_argument("--json", action="store_true", help="print the result as one JSON line")

    users = commands.add_parser("users", help="manage portal users").add_subparsers(
        dest="users_command", required=True
    )
    create = users.add_parser("create", help="create a portal user")
    create.add_argument("username")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )

    records = commands.add_parser("records", help="completion records").add_subparsers(
        dest="records_command", required=True
    )
    verify = records.add_parser(
        "verify", help="check a record's signature, JSON and ledger entries"
    )
    verify.add_argument("file")

    deadlines = commands.add_parser(
        "deadlines", help="print the internal due date, legal limit and other clocks of a request"
    )
    # Required, but checked in cli/deadlines.py so that the message can show an example.
    deadlines.add_argument(
        "--regime", help="required: regime identifier, for example gdpr, uk_gdpr, ccpa"
    )
    deadlines.add_argument(
        "--kind",
        default="access",
        help="access, erasure, rectification or opt_out (default access)",
    )
    deadlines.add_argument("--country", help="ISO 3166-1 alpha-2 country of the legal place")
    deadlines.add_argument("--subdivision", help="subdivision code, for example BY or DE-BY")
    deadlines.add_argument(
        "--received",
        help="required: instant of receipt, ISO 8601 with offset, e.g. 2026-03-02T09:00:00Z",
    )
    deadlines.add_argument("--subject-tz", help="IANA time zone of the data subject")
    deadlines.add_argument("--identity-received", help="date identity information arrived")
    deadlines.add_argument("--fee-received", help="date a fee was paid (UK GDPR)")
    deadlines.add_argument("--clarification-requested", help="date a scope clarification was asked")
    deadlines.add_argument("--clarification-received", help="date the clarification arrived")
    deadlines.add_argument("--extended", action="store_true", help="print the extended dates")
    deadlines.add_argument("--business-size", help="small or standard")
    deadlines.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


HANDLERS = {
    "dev": _dev,
    "worker": _worker,
    "api": _api,
    "demo": _demo,
    "users": _users_create,
    "records": _records_verify,
    "deadlines": _deadlines,
}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    configure_logging()
    return HANDLERS[arguments.command](arguments, get_settings())


if __name__ == "__main__":
    sys.exit(main())
