"""`flask obligations ...`: reminders and the rolling generation of recurring occurrences.

The lead registers `obligations_cli` in govtrack/cli.py (app.cli.add_command(obligations_cli))."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from govtrack.core import clock
from govtrack.extensions import db
from govtrack.obligations.reminders import send_digests
from govtrack.obligations.services import extend_occurrences

obligations_cli = AppGroup("obligations", help="Obligations: reminders and recurring occurrences.")


def _today(value: str | None) -> dt.date:
    if not value:
        return clock.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("a date like 2026-11-27", param_hint="--today") from None


@obligations_cli.command("remind")
@click.option("--today", "today_", help="The day of the digest (default: today).")
def remind(today_: str | None) -> None:
    """E-mail each responsible user a digest of overdue and due-soon items; once per user per day."""
    counts = send_digests(today=_today(today_))
    click.echo(f"sent {counts['sent']}, already sent {counts['skipped']}, failed {counts['failed']}")
    if counts["failed"]:
        raise SystemExit(1)


@obligations_cli.command("extend")
@click.option("--today", "today_", help="Generate as of this day (default: today).")
def extend(today_: str | None) -> None:
    """Generate the occurrences of recurring obligations up to their rolling horizon."""
    added = extend_occurrences(actor="cli", today=_today(today_))
    db.session.commit()
    click.echo(f"added {added} occurrences")
