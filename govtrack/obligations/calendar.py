"""The personal iCalendar feed (RFC 5545) through the `icalendar` library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask_babel import gettext as _
from icalendar import Calendar, Event

from govtrack.core.clock import utcnow
from govtrack.core.i18n import format_money
from govtrack.core.labels import label
from govtrack.obligations.models import OccurrenceStatus


def feed(rows, *, name: str, host: str, obligation_url: Callable[[int], str]) -> bytes:
    """One all-day VEVENT per occurrence; its UID stays the same across fetches so a calendar
    program updates the event instead of adding a copy. Words (status, kind, the summary of an
    overdue item) are in the current language: the view renders it in the feed owner's."""
    cal = Calendar()
    cal.add("prodid", "-//govtrack//obligations//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = utcnow()
    host = host or "govtrack"
    for r in rows:
        ev = Event()
        ev.add("uid", f"obligation-occurrence-{r.id}@{host}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", r.due_on)
        ev.add("dtend", r.due_on + dt.timedelta(days=1))
        who = r.partner_name or _("the cooperative")
        status = label("occurrence_status", r.status)
        # An overdue item sits on a past day of the calendar: its title says so wherever it is seen.
        summary = f"{r.title} ({who})"
        ev.add("summary", _("%(title)s — %(status)s", status=status, title=summary)
               if r.status == OccurrenceStatus.overdue else summary)
        lines = [
            _("Status: %(s)s", s=status),
            _("Kind: %(k)s", k=label("obligation_kind", r.kind)),
            _("Agreement: %(a)s", a=r.agreement_title),
        ]
        if r.amount is not None:
            lines.append(_("Amount: %(a)s; still owed: %(b)s",
                           a=format_money(r.amount, r.currency), b=format_money(r.remaining, r.currency)))
        ev.add("description", "\n".join(lines))
        ev.add("url", obligation_url(r.obligation_id))
        ev.add("status", "CANCELLED" if r.waived else "CONFIRMED")
        cal.add_component(ev)
    return cal.to_ical()
