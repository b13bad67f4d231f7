"""`flask notices send`: deliver the queued e-mail notices (run from cron, e.g. every 5 minutes)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.notices.models import Notice, NoticeStatus
from govtrack.notices.sender import send_due

notices_cli = AppGroup("notices", help="E-mail notices queued by changes to meetings.")


@notices_cli.command("send")
@click.option("--limit", type=click.IntRange(1, 100_000), default=500, help="At most this many in one run.")
def send(limit: int) -> None:
    """Send the notices that are due; a failed one stays queued with its error and is retried later."""
    counts = send_due(limit=limit)
    waiting = db.session.scalar(
        select(func.count()).select_from(Notice).where(Notice.status == NoticeStatus.queued.value)) or 0
    click.echo(f"sent {counts['sent']}, failed {counts['failed']}, still queued {waiting}")
    if counts["failed"]:
        raise SystemExit(1)
