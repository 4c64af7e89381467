"""The report-builder command: one subcommand per verb, thin (parse, call, report).

Exit codes: 0 ok, 1 runtime failure, 2 bad input or config.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from report_builder import __version__
from report_builder.config import load_config
from report_builder.errors import MappedDataError, ReportBuilderError
from report_builder.model.agenda import SCOPES
from report_builder.renderers.base import format_names
from report_builder.terminal import SafeConsole

if TYPE_CHECKING:
    from report_builder.build import BuildResult
    from report_builder.delivery.send import SendResult

EXAMPLES = """examples:
  report-builder build examples/nordlys/report.toml
  report-builder build report.toml --as-of 2026-11-24 --format html,json --out out/
  report-builder validate report.toml
  report-builder inspect exports/hubspot-crm-exports-all-deals-2026-11-23.csv
  report-builder send report.toml --if-due
  report-builder init my-company/ --company "Acme ApS" --currency DKK --locale da_DK
"""

SEND_EXAMPLES = """examples:
  report-builder send report.toml               build the pack for the next meeting and mail it
  report-builder send report.toml --if-due      from a daily cron job: mail only when one is due
  report-builder send report.toml --dry-run     write the message as .eml, send nothing
  report-builder send report.toml --force       send again for a meeting already sent
  report-builder send report.toml --if-due --dry-run --today 2026-11-23
                                                would a run on that day send?
  report-builder send report.toml --per team    a pack per team, each to the team's
                                                recipients in [email.teams]

Each meeting's pack is sent once: the send log (email.send_log) remembers it (each team's or
seller's pack on its own). Exit codes: 0 ok (also when nothing was due or it was sent
already), 1 the mail server failed (for any pack) or another send is running, 2 bad config or
data.
"""


INIT_EXAMPLES = """examples:
  report-builder init my-company/ --company "Acme ApS" --currency DKK --locale da_DK
  report-builder init my-company/ --company "Acme Ltd" --currency GBP --format csv

Then fill in my-company/pipeline.xlsx (its example rows, ids EX-..., build a small pack as they
are; delete them when you add your own) and run:
  report-builder validate my-company/report.toml
  report-builder build my-company/report.toml
"""


ACTIONS_EXAMPLES = """examples:
  report-builder actions add report.toml --text "Call every webinar attendee" --owner "Mette" \\
      --team sales --due 2026-12-08
  report-builder actions close report.toml A-014
  report-builder actions close report.toml A-009 --status cancelled --on 2026-11-20
  report-builder actions list report.toml --open

The actions table is edited where report.toml says it is (a CSV, or a sheet of an XLSX
workbook; `add` creates actions.csv or the sheet when there is none). SQL sources are read-only.
"""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-24") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="report-builder", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build the pack for the biweekly marketing + sales pipeline meeting.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build the meeting pack", epilog=EXAMPLES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("config", type=Path, help="the report.toml of the company")
    build.add_argument("--as-of", type=_date, metavar="DATE",
                       help="the meeting date (default: the config's as_of, else the next "
                            "meeting of the cadence)")
    build.add_argument("--format", metavar="LIST",
                       help=f"comma-separated formats from {', '.join(format_names())}, "
                            "e.g. html,json (default: the config's)")
    build.add_argument("--out", type=Path, metavar="DIR",
                       help="output folder (default: the config's output.dir)")
    build.add_argument("--compare-to", type=Path, metavar="FILE",
                       help="show the pipeline movement against this earlier deals export "
                            "(default: the snapshot of the previous meeting)")
    build.add_argument("--no-history", action="store_true",
                       help="neither read nor store deal snapshots in the history store")
    build.add_argument("--per", choices=SCOPES, metavar="team|owner",
                       help="a pack for each team (or seller), each in a folder of its own "
                            "under the output folder, with only their deals, leads and "
                            "targets")
    build.add_argument("-v", "--verbose", action="store_true",
                       help="also show each step with its time")
    build.add_argument("-q", "--quiet", action="store_true",
                       help="print nothing but errors (no summary of the files written)")

    validate = sub.add_parser("validate", help="check the config and the dataset, build nothing")
    validate.add_argument("config", type=Path, help="the report.toml of the company")
    validate.add_argument("-v", "--verbose", action="store_true", help="list every data note")
    validate.add_argument("--as-of", type=_date, metavar="DATE",
                          help="the meeting date SQL queries bind as :as_of, :since, ... "
                               "(default: the config's as_of, else the next meeting)")

    inspect = sub.add_parser("inspect", help="guess a CRM export's preset and print a starter "
                             "[data] and [stages] config for it")
    inspect.add_argument("file", type=Path, help="a CRM export (.csv or .xlsx), or a folder "
                         "holding a whole export (Salesforce data export, HubSpot export set)")
    inspect.add_argument("--sheet", help="the sheet of an .xlsx file (default: the first)")

    send = sub.add_parser("send", help="build the pack for the due meeting and mail it",
                          epilog=SEND_EXAMPLES,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    send.add_argument("config", type=Path, help="the report.toml of the company, with [email]")
    send.add_argument("--if-due", action="store_true",
                      help="send only when a meeting is due (email.days_before days before it, "
                           "up to the meeting day); quiet otherwise, for cron")
    send.add_argument("--dry-run", action="store_true",
                      help="write the message to <out>/pipeline-meeting-<date>.eml; send nothing")
    send.add_argument("--force", action="store_true",
                      help="send even though this meeting's pack was sent already")
    send.add_argument("--as-of", type=_date, metavar="DATE",
                      help="the meeting date (default: the config's as_of, else the next "
                           "meeting of the cadence)")
    send.add_argument("--today", type=_date, metavar="DATE",
                      help="decide as if today were DATE (default: today)")
    send.add_argument("--out", type=Path, metavar="DIR",
                      help="output folder for the pack (default: the config's output.dir)")
    send.add_argument("--per", choices=SCOPES, metavar="team|owner",
                      help="a pack for each team (or seller), each mailed to its recipients "
                           "in [email.teams] ([email.owners])")
    send.add_argument("-v", "--verbose", action="store_true", help="show each step")
    send.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    init = sub.add_parser("init", help="write a starter report.toml and pipeline workbook",
                          epilog=INIT_EXAMPLES,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    init.add_argument("folder", type=Path, help="the new (or empty) folder to write into")
    init.add_argument("--company", required=True, help="the company's name")
    init.add_argument("--currency", default="EUR", help="ISO 4217 code (default: EUR)")
    init.add_argument("--locale", default="en_GB",
                      help="number/date formats and language, e.g. da_DK (default: en_GB)")
    init.add_argument("--format", choices=("xlsx", "csv"), default="xlsx",
                      help="xlsx: one workbook (default); csv: a folder of CSV files")
    init.add_argument("--force", action="store_true",
                      help="write into a folder that is not empty, replacing our files there")
    _actions_parser(sub)
    _serve_parser(sub)
    return parser


SERVE_EXAMPLES = """examples:
  report-builder serve my-company/         the page on http://127.0.0.1:8765 (this machine only)
  REPORT_BUILDER_TOKEN=... report-builder serve my-company/ --host 0.0.0.0 \\
      --token-env REPORT_BUILDER_TOKEN     reachable from other machines, after a sign-in

The folder holds report.toml (or is empty: the page sets it up). The page builds the pack,
shows it, presents it one point at a time, records the meeting's actions and mails the pack,
with the same code and the same guarantees as the commands.
"""


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="the web page: build, present and send the pack",
                           epilog=SERVE_EXAMPLES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("folder", type=Path, nargs="?", default=Path("."),
                       help="the company folder: report.toml and its data, or an empty folder "
                            "(default: the current folder)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1: this machine only; "
                            "any other needs --token-env)")
    serve.add_argument("--port", type=int, default=8765, help="default 8765")
    serve.add_argument("--token-env", metavar="NAME",
                       help="the environment variable holding the token users sign in with")
    serve.add_argument("--max-upload", type=int, default=200, metavar="MB",
                       help="the largest upload accepted, in MB (default 200)")
    serve.add_argument("--no-browser", action="store_true",
                       help="do not open the page in a browser (it opens on a desktop, for "
                            "the loopback address)")


def _actions_parser(sub: argparse._SubParsersAction) -> None:
    actions = sub.add_parser("actions", help="record the meeting's actions in the dataset",
                             epilog=ACTIONS_EXAMPLES,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = actions.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help="add an open action; prints its new id")
    add.add_argument("config", type=Path, help="the report.toml of the company")
    add.add_argument("--text", required=True, help="what was agreed")
    add.add_argument("--owner", required=True, help="who does it")
    add.add_argument("--team", required=True, choices=("marketing", "sales"))
    add.add_argument("--due", required=True, type=_date, metavar="DATE", help="YYYY-MM-DD")
    add.add_argument("--agreed-on", type=_date, metavar="DATE",
                     help="the meeting that agreed it (default: today)")
    close = verbs.add_parser("close", help="mark an open action done (or cancelled)")
    close.add_argument("config", type=Path, help="the report.toml of the company")
    close.add_argument("id", help="the action's id, e.g. A-014")
    close.add_argument("--on", type=_date, metavar="DATE", help="the day (default: today)")
    close.add_argument("--status", choices=("done", "cancelled"), default="done")
    listing = verbs.add_parser("list", help="list the actions")
    listing.add_argument("config", type=Path, help="the report.toml of the company")
    listing.add_argument("--open", action="store_true", help="only the open ones")


def _actions(args: argparse.Namespace, out: Console, err: Console) -> int:
    from report_builder.actions import commands

    config = load_config(args.config)
    today = dt.date.today()
    if args.verb == "add":
        action_id, where = commands.add_action(
            config, text=args.text, owner=args.owner, team=args.team, due=args.due,
            agreed_on=args.agreed_on or today)
        out.print(action_id)
        err.print(escape(f"added {action_id} to {where}"))
    elif args.verb == "close":
        where = commands.close_action(config, args.id, on=args.on or today, status=args.status)
        err.print(escape(f"{args.id} is {args.status} in {where}"))
    else:
        label, actions = commands.list_actions(config)
        shown = [a for a in actions if a.status == "open"] if args.open else actions
        for a in shown:
            overdue = a.status == "open" and a.due is not None and a.due < today
            status = "OVERDUE" if overdue else a.status
            due = a.due.isoformat() if a.due else "-"
            out.print(escape(f"{a.action_id:<8} {due:<10}  {status:<9}  {a.team:<9}  "
                             f"{a.owner}: {a.text}"))
        err.print(escape(f"{len(shown)} of {len(actions)} actions in {label}"))
    return 0


def _build(args: argparse.Namespace, out: Console, err: Console) -> int:
    from report_builder.build import build, build_per, meeting_date

    config = load_config(args.config)
    formats = [f.strip() for f in args.format.split(",") if f.strip()] if args.format \
        else list(config.output.formats)
    as_of = meeting_date(config, args.as_of, dt.date.today())
    started = time.perf_counter()
    out_dir = args.out or config.output.out_dir
    with _progress(err, quiet=args.quiet, verbose=args.verbose) as progress:
        if args.per:
            results = build_per(config, args.per, as_of=as_of, formats=formats,
                                out_dir=out_dir, progress=progress,
                                history=not args.no_history, compare_to=args.compare_to)
        else:
            results = {"": build(config, as_of=as_of, formats=formats, out_dir=out_dir,
                                 progress=progress, history=not args.no_history,
                                 compare_to=args.compare_to)}
    if not args.quiet:  # one short summary, also under cron: where the pack is
        seconds = time.perf_counter() - started
        if args.per:
            out.print(escape(f"{len(results)} packs, one per {args.per}, in {seconds:.1f} s:"))
        for result in results.values():
            for line in build_summary(result, seconds, scoped=bool(args.per)):
                out.print(escape(line))
    return 0


def file_size(size: int) -> str:
    """1234567 -> '1.2 MB' (decimal units, as file managers show them)."""
    value = float(size)
    for unit in ("B", "kB", "MB"):
        if value < 1000:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def build_summary(result: BuildResult, seconds: float, *, scoped: bool = False) -> list[str]:
    """What a build did: the meeting, each file written with its size, the data notes and
    the time taken (of a pack among several: whose pack, without the time)."""
    agenda = result.agenda
    notes = len(agenda.data_notes.notes)
    whose = f" of {agenda.scope.name}" if scoped and agenda.scope is not None else ""
    took = "" if scoped else f" in {seconds:.1f} s"
    lines = [f"Meeting pack{whose} for {agenda.as_of.isoformat()} ({agenda.quarter}): "
             f"{len(result.files)} file(s){took}, {notes} data note(s)"
             + (" (listed at the end of the pack)" if notes else "")]
    width = max((len(str(p)) for p in result.files.values()), default=0)
    lines += [f"  {str(path):<{width}}  {file_size(path.stat().st_size):>8}"
              for path in result.files.values()]
    return lines


def _validate(args: argparse.Namespace, out: Console, err: Console) -> int:
    from report_builder.build import meeting_date
    from report_builder.data.money import currency_totals, totals_of
    from report_builder.engine import connect, read_engine_dataset
    from report_builder.engine.money import currency_groups
    from report_builder.i18n import note_text, translator

    config = load_config(args.config)
    as_of = meeting_date(config, args.as_of, dt.date.today())
    con = connect(config.engine)
    try:
        try:
            source = read_engine_dataset(con, config, as_of=as_of)
        except MappedDataError as exc:  # the mapping first: it often explains the problems
            _print_mappings(out, exc.mappings)
            raise
        dataset, facts = source.dataset, source.facts
        company = config.company.currency
        if dataset is not None:  # read by the data layer
            totals = currency_totals(dataset.deals["amount"], dataset.deals["currency"], company,
                                     dataset.currency_rates, values=dataset.deals["value"])
        else:  # read where the data lies: counted there
            totals = totals_of(currency_groups(source.tables.deals, company), company,
                               config.data.currency_rates)
    finally:
        con.disconnect()
    rows = dict(facts.row_counts)
    if dataset is not None and dataset.stage_history is not None:
        rows["stage_history"] = len(dataset.stage_history)
    counts = ", ".join(f"{n} {name.replace('_', ' ')} rows" if name == "stage_history"
                       else f"{n} {name}" for name, n in rows.items())
    notes = facts.notes
    out.print(f"{args.config}: valid ({counts}); {len(notes)} data note(s)")
    _print_mappings(out, list(source.mappings))
    _print_money(out, totals, company)
    missing = config.company.profile.missing()
    if missing and {"customer-deck", "deck"} & set(config.output.formats):
        out.print(escape(f"Customer deck: [company.profile] has no {', '.join(missing)} yet; "
                         "the deck shows what to write where (see the README)"))
    english = translator("en")
    for note in notes if args.verbose or len(notes) <= 10 else notes[:10]:
        text = note_text(english, note)
        examples = f" (e.g. {', '.join(note.examples[:5])})" if note.examples else ""
        count = f"{note.count} " if note.count else ""
        out.print(escape(f"  - {note.table}: {count}{text}{examples}"))
    return 0


def _init(args: argparse.Namespace, out: Console, err: Console) -> int:
    from report_builder.starter import init_company

    result = init_company(args.folder, company=args.company, currency=args.currency,
                          locale=args.locale, fmt=args.format, force=args.force)
    for path in result.files:
        out.print(escape(f"wrote {path}"))
    out.print(escape(f"The example rows (ids EX-...) are dated around the first meeting, "
                     f"{result.first_meeting.isoformat()}. Fill in {result.data}, then run:\n"
                     f"  report-builder validate {result.config}\n"
                     f"  report-builder build {result.config}"))
    return 0


def _print_money(out: Console, totals: Sequence[object], company: str) -> None:
    """The deals per currency, in that currency and in the company currency at the rate used:
    a rate off by a factor of a thousand, or the wrong way round, shows at once."""
    from report_builder.data.money import describe_totals

    out.print(f"Deals per currency (the pack's amounts are in {company}):")
    for line in describe_totals(totals, company):  # type: ignore[arg-type]
        out.print(escape(f"  {line}"))


def _print_mappings(out: Console, mappings: list[object]) -> None:
    """How each source's columns were mapped onto the canonical tables (presets, own sources)."""
    if not mappings:
        return
    from report_builder.data.mapped import describe

    out.print("How the sources' columns were mapped:")
    for line in describe(mappings):  # type: ignore[arg-type]
        out.print(escape(f"  {line}"))


def _inspect(args: argparse.Namespace, out: Console, err: Console) -> int:
    from report_builder.errors import DataError, Problem
    from report_builder.starter.inspect_config import starter_config

    if args.file.is_dir():
        from report_builder.starter.inspect_folder import find_files

        export = find_files(args.file, str(args.file))
        out.print(escape(starter_config(export.deals, export.shown["deals"], folder=export)),
                  end="")
        return 0
    if not args.file.is_file():
        raise DataError([Problem(str(args.file), None, None, None, "file not found")])
    out.print(escape(starter_config(args.file, str(args.file), sheet=args.sheet)), end="")
    return 0


def _serve(args: argparse.Namespace, out: Console, err: Console) -> int:
    import os

    from report_builder.errors import UsageError
    from report_builder.web.security import is_loopback
    from report_builder.web.serve import serve

    token = None
    if args.token_env:
        token = os.environ.get(args.token_env) or None
        if token is None:
            raise UsageError(f"--token-env {args.token_env}: the environment variable "
                             f"{args.token_env} is not set or is empty; set it to the token "
                             "users sign in with")
    folder = args.folder
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder; give the company folder (with report.toml) "
                         "or an empty folder to set up")
    return serve(folder, host=args.host, port=args.port, token=token,
                 max_upload=args.max_upload * 1000 * 1000, say=lambda text: out.print(
                     escape(text)), open_browser=not args.no_browser and is_loopback(args.host))


def _send(args: argparse.Namespace, out: Console, err: Console) -> int:
    from report_builder.delivery.send import send_pack, send_per

    config = load_config(args.config)
    options = {"today": args.today or dt.date.today(), "as_of": args.as_of,
               "if_due": args.if_due, "dry_run": args.dry_run, "force": args.force,
               "out_dir": args.out}
    with _progress(err, quiet=args.quiet, verbose=args.verbose) as progress:
        results = (send_per(config, args.per, progress=progress, **options) if args.per
                   else [send_pack(config, progress=progress, **options)])
    talk = not args.quiet and (out.is_terminal or args.verbose)  # quiet under cron
    for result in results:
        _report_send(result, args, talk, out, err)
    return 1 if any(r.status == "failed" for r in results) else 0


def _report_send(result: SendResult, args: argparse.Namespace, talk: bool, out: Console,
                 err: Console) -> None:
    meeting = result.due.meeting.isoformat()
    previous = result.previous
    of = f" of {result.pack}" if result.pack else ""  # "the pack of North"
    named = f" the pack{of}" if of else ""
    if result.status == "not_due":
        if talk:
            out.print(f"Not due: the next meeting is on {meeting} and its pack goes out from "
                      f"{result.due.first_day.isoformat()}. Nothing sent.")
    elif result.status == "already_sent" and previous is not None:
        if talk or not (args.if_due or args.quiet):
            out.print(escape(
                f"Already sent{named} for the meeting on {meeting}: at "
                f"{previous.sent_at.astimezone():%Y-%m-%d %H:%M} to "
                f"{', '.join(previous.recipients)} (message id {previous.message_id}). "
                "Nothing sent; use --force to send again."))
    elif result.status == "no_recipients":
        table = "teams" if args.per == "team" else "owners"
        err.print(escape(f"warning: the pack{of} has no recipients in [email.{table}]; it is "
                         f"built but not mailed: {_folder_of(result)}"))
    elif result.status == "not_in_data":
        table = "teams" if args.per == "team" else "owners"
        err.print(escape(f"warning: [email.{table}] names {result.pack!r}, which no deal of "
                         "the data has at this meeting; no pack was made for it"))
    elif result.status == "failed":
        err.print(escape(f"error: the pack{of} was not sent: {result.error}"))
    elif result.status == "dry_run":
        if not args.quiet:
            out.print(escape(f"Dry run: the message{' with' + named if named else ''} for the "
                             f"meeting on {meeting} to "
                             f"{', '.join(result.recipients)} is in {result.eml}; nothing was "
                             "sent."))
            if previous is not None:
                sent_at = f"{previous.sent_at.astimezone():%Y-%m-%d %H:%M}"
                out.print(f"(It was sent already, at {sent_at}: a real run would send nothing "
                          "without --force.)")
    else:
        for recipient, reply in result.refused.items():
            err.print(escape(f"warning: the server refused {recipient}: {reply}"))
        if talk:
            out.print(escape(f"Sent the pack{of} for the meeting on {meeting} to "
                             f"{', '.join(result.recipients)} (message id {result.message_id})"))
            for path in result.files.values():
                out.print(escape(f"  {path}"))


def _folder_of(result: SendResult) -> str:
    return str(next(iter(result.files.values())).parent) if result.files else ""


@contextlib.contextmanager
def _progress(err: Console, *, quiet: bool, verbose: bool) -> Iterator[Callable[[str], None]]:
    """Report build steps: a progress line (the step and the time so far) on a terminal, timed
    log lines with --verbose, else nothing (cron mails get the summary alone). Every step first
    stops the build if a SIGTERM came that was swallowed (see _Sigterm)."""
    with _report_steps(err, quiet=quiet, verbose=verbose) as report:
        def step(name: str) -> None:
            _SIGTERM.raise_if_received()
            report(name)

        yield step


@contextlib.contextmanager
def _report_steps(err: Console, *, quiet: bool,
                  verbose: bool) -> Iterator[Callable[[str], None]]:
    started = time.perf_counter()

    def log(step: str) -> None:
        err.log(f"{time.perf_counter() - started:6.2f} s  {step}")

    if quiet or not (err.is_terminal or verbose):
        yield lambda _: None
    elif verbose:
        yield log
        log("done")
    else:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("Building the meeting pack", total=None)
            yield lambda step: bar.update(task, description=f"{step}...")


class _Sigterm:
    """SIGTERM (a service stop, `kill`) unwinds like an exit, so the chart browser is closed and
    its profile folder removed instead of left behind.

    The handler raises SystemExit wherever the main thread is, and C extension code can swallow
    it (DuckDB does, when the signal lands while it imports pyarrow), so the signal is also
    remembered: the build's next step raises it again, and an error that follows it (the
    browser dying with the build, say) is reported as the stop it is."""

    received: int | None = None

    @contextlib.contextmanager
    def handled(self) -> Iterator[None]:
        """The handler installed for the block; only from the main thread."""
        self.received = None
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(signum: int, _frame: object) -> None:
            self.received = signum
            raise SystemExit(128 + signum)

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)

    def raise_if_received(self) -> None:
        if self.received is not None:
            raise SystemExit(128 + self.received)


_SIGTERM = _Sigterm()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # data (names, values in messages) is printed without its control characters
    out = SafeConsole(highlight=False, soft_wrap=True)
    err = SafeConsole(stderr=True, highlight=False, soft_wrap=True, log_path=False)
    try:
        with _SIGTERM.handled():
            return {"build": _build, "validate": _validate, "send": _send,
                    "init": _init, "inspect": _inspect, "actions": _actions,
                    "serve": _serve}[args.command](
                args, out, err)
    except ReportBuilderError as exc:
        if _SIGTERM.received is not None:  # the error came of the stop: report the stop
            err.print("stopped by SIGTERM; nothing was written")
            return 128 + _SIGTERM.received
        err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        return 130


if __name__ == "__main__":
    sys.exit(main())
