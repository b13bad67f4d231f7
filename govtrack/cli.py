"""Command-line interface: users, demo data, audit verification, backups."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from govtrack.audit.services import Anchor, current_anchor, parse_anchor, verify_chain
from govtrack.auth.models import User
from govtrack.auth.queries import user_by_email
from govtrack.auth.services import create_user, issue_token
from govtrack.demo import load_demo
from govtrack.demo.core import DOMAIN
from govtrack.errors import DomainError
from govtrack.extensions import db
from govtrack.members.queries import merged_origins
from govtrack.notices.cli import notices_cli
from govtrack.obligations.cli import obligations_cli

users_cli = AppGroup("users", help="Manage user accounts.")
audit_cli = AppGroup("audit", help="The audit log.")
demo_cli = AppGroup("demo", help="Demo data.")
centres_cli = AppGroup("centres", help="Rembug pusat (centres).")


@centres_cli.command("merged")
def centres_merged():
    """List the centres migration 0017 made from several spellings of a roster group."""
    merged = merged_origins()
    for centre, spellings in merged:
        click.echo(f"{centre.code} {centre.name}: " + ", ".join(f"{name!r} ({count})" for name, count in spellings))
    click.echo(f"{len(merged)} centre(s) merged from several spellings.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "board", "manager", "member", "officer"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a user. Without --password-stdin the account has no password yet."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user = create_user(actor="cli", email=email, name=name, role=role, password=password)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in err.fields.items())
        raise click.ClickException(f"{err.message} {details}".strip()) from None
    click.echo(f"created user {user.id} <{user.email}> role {user.role}")


@users_cli.command("token")
@click.argument("email")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="The token expires after this many days (1 to 3650); without it, when revoked.")
def users_token(email: str, days: int | None) -> None:
    """Print one new API token for EMAIL, alone on one line."""
    user = user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"no active user {email}")
    token = issue_token(actor="cli", user=user, days=days)
    db.session.commit()
    click.echo(token)


class AnchorType(click.ParamType):
    """`SEQ:HASH`, as `audit head` prints it."""

    name = "SEQ:HASH"

    def convert(self, value, param, ctx):
        if isinstance(value, Anchor):
            return value
        try:
            return parse_anchor(value)
        except ValueError as err:
            self.fail(f"{value!r}: {err}", param, ctx)


def _read_anchors(path: str) -> list:
    """One anchor a line; blank lines and lines starting with # are skipped."""
    anchors = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise click.BadParameter(f"cannot read {path}: {err}", param_hint="--anchors") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            anchors.append(parse_anchor(line))
        except ValueError as err:
            raise click.BadParameter(f"{path} line {number}: {line.strip()!r}: {err}", param_hint="--anchors") from None
    return anchors


@audit_cli.command("verify")
@click.option("--anchor", "anchors", multiple=True, type=AnchorType(),
              help="An anchor SEQ:HASH the chain must still reach (repeatable).")
@click.option("--anchors", "anchors_file", type=click.Path(dir_okay=False),
              help="A file of anchors, one SEQ:HASH a line.")
def audit_verify(anchors: tuple, anchors_file: str | None) -> None:
    """Exit 0 when the chain is intact and reaches every anchor; otherwise non-zero with the first
    bad sequence number or the missing anchor."""
    given = [*anchors, *(_read_anchors(anchors_file) if anchors_file else [])]
    result = verify_chain(anchors=given)
    if result.ok:
        click.echo(f"audit chain intact: {result.checked} events" + (f", {len(given)} anchors reached" if given else ""))
        return
    if result.missing_anchor is not None:
        click.echo(f"audit chain does not reach anchor {result.missing_anchor}: {result.reason}", err=True)
        click.echo(str(result.missing_anchor))
        sys.exit(1)
    click.echo(f"audit chain broken at sequence {result.first_bad}: {result.reason}", err=True)
    click.echo(str(result.first_bad))
    sys.exit(1)


@audit_cli.command("head")
def audit_head() -> None:
    """Print the chain's current anchor SEQ:HASH, alone on one line."""
    click.echo(str(current_anchor()))


@demo_cli.command("load")
@click.option("--force", is_flag=True, help="Load even if the database already has data.")
@click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) when the database has data.")
def demo_load(force: bool, if_empty: bool) -> None:
    """Load a realistic demo cooperative; refuses a non-empty database unless --force."""
    if db.session.scalar(select(func.count()).select_from(User)) and not force:
        if if_empty:
            click.echo("database has data; demo not loaded")
            return
        raise click.ClickException("the database is not empty (use --force to load anyway)")

    if db.session.scalar(select(func.count()).select_from(User).where(User.email.like(f"%@{DOMAIN}"))):
        # --force adds the demo beside other data; a second copy of the demo itself would clash
        # with the first (its users, partners and references are unique).
        raise click.ClickException("the demo is already loaded in this database (its users exist)")
    logins = load_demo()
    db.session.commit()
    path = Path(current_app.instance_path) / "demo-logins.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{role:8} {email:32} {password}" for role, email, password in logins]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    click.echo("demo loaded; logins (also in instance/demo-logins.txt):")
    click.echo("\n".join(lines))


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path: str) -> None:
    """Write a consistent copy of the database to PATH while the app keeps serving."""
    url = db.engine.url
    target = Path(path)
    if url.get_backend_name() in ("sqlite", "postgresql"):
        # The copy holds every member and vote: owner-only like the keys, whatever the umask
        # (sqlite3 and pg_dump would create it 0644 and keep an existing file's mode).
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        target.chmod(0o600)
    if url.get_backend_name() == "sqlite":
        # SQLite's online backup API, in one step: one read transaction copies a consistent
        # snapshot while the workers go on writing (WAL). Copied in steps, every write between two
        # steps restarts the copy, and a large database under steady writes is never copied.
        source = sqlite3.connect(url.database, timeout=30)
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest, pages=-1)
        dest.close()
        source.close()
    elif url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise click.ClickException("pg_dump is not installed")
        # pg_dump takes a consistent snapshot inside one repeatable-read transaction.
        plain = url.set(drivername="postgresql")
        env_url = plain.render_as_string(hide_password=False)
        subprocess.run(
            ["pg_dump", "--format=custom", "--file", str(target), env_url],
            check=True,
        )
    else:
        raise click.ClickException(f"no backup method for {url.get_backend_name()}")
    click.echo(f"backup written to {target}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(centres_cli)
    app.cli.add_command(backup)
    app.cli.add_command(obligations_cli)
    app.cli.add_command(notices_cli)
