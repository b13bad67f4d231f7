"""`flask obligations remind`: a digest per responsible user through a real SMTP server on
loopback, once per user per day."""

from __future__ import annotations

import datetime as dt

import pytest

from govtrack.obligations.cli import obligations_cli
from tests.smtp import Controller, Inbox, smtp_settings


@pytest.fixture
def app_config(smtp_port):
    return smtp_settings(smtp_port)


D = dt.date


def test_each_responsible_user_gets_one_digest_per_day(app, runner, inbox, setting, make_obligation, make_user):
    other = make_user("manager", name="Budi")
    make_obligation(due_date=D(2027, 3, 10), title="Overdue tranche")           # overdue on 15 March
    make_obligation(due_date=D(2027, 3, 29), title="Quarterly report")          # due soon (14 days)
    make_obligation(due_date=D(2027, 3, 30), title="Far away")                  # pending: not in the digest
    make_obligation(due_date=D(2027, 3, 20), title="=Budi's item", responsible_id=other.id)

    result = runner.invoke(obligations_cli, ["remind", "--today", "2027-03-15"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    by_to = {m["To"]: m for m in inbox.messages}
    assert set(by_to) == {setting["manager"].email, other.email}
    body = by_to[setting["manager"].email].get_content()
    assert "Overdue tranche" in body and "Quarterly report" in body and "Far away" not in body
    assert "1 overdue, 1 due soon" in by_to[setting["manager"].email]["Subject"]
    assert by_to[other.email]["From"] == "govtrack@koperasi.test"

    again = runner.invoke(obligations_cli, ["remind", "--today", "2027-03-15"])
    assert again.exit_code == 0 and "sent 0, already sent 2" in again.output
    assert len(inbox.messages) == 2

    next_day = runner.invoke(obligations_cli, ["remind", "--today", "2027-03-16"])
    assert "sent 2" in next_day.output and len(inbox.messages) == 4


def test_a_failed_send_is_not_logged_so_a_later_run_retries(app, runner, setting, make_obligation, smtp_port):
    make_obligation(due_date=D(2027, 3, 10))
    failed = runner.invoke(obligations_cli, ["remind", "--today", "2027-03-15"])  # nothing listens yet
    assert failed.exit_code == 1 and "failed 1" in failed.output

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        retry = runner.invoke(obligations_cli, ["remind", "--today", "2027-03-15"])
    finally:
        controller.stop()
    assert retry.exit_code == 0 and "sent 1" in retry.output and len(handler.messages) == 1
