"""The Atom feed of newly published agreements and their decisions (feedgen writes the XML).

The feed is always the public's view, whoever asks: a feed is cached and shared by readers, so
it must never carry what only members may read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from feedgen.feed import FeedGenerator
from flask_babel import gettext as _

from govtrack.audit.queries import head_anchor
from govtrack.core.labels import label
from govtrack.forums.queries import published_decisions
from govtrack.portal import queries

FEED_SIZE = 50

# Characters XML 1.0 does not allow at all; a stray one in a summary must not break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _day(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=dt.UTC)


def build_feed(
    *, title: str, self_url: str, home_url: str, agreement_url: Callable[[int], str]
) -> bytes:
    """The feed's XML: the most recently published public agreements, then their decisions."""
    agreements = queries.recently_published(limit=FEED_SIZE)
    decisions = published_decisions([a.id for a in agreements])

    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(xml_text(title))
    fg.author({"name": "govtrack"})
    # The audit chain's head, an anchor outside the database: readers and archives of the feed
    # keep it, and `flask audit verify --anchor SEQ:HASH` proves later that no tail was cut off.
    fg.subtitle(_("Audit log anchor: %(anchor)s", anchor=str(head_anchor())))
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=home_url, rel="alternate", type="text/html")

    entries: list[tuple[dt.datetime, dict]] = []
    for a in agreements:
        parties = ", ".join(p.partner.name for p in a.parties)
        summary = " · ".join(
            part for part in (label("agreement_kind", a.kind), parties, xml_text(a.summary)) if part
        )
        entries.append(
            (
                _aware(a.updated_at),
                {
                    "id": agreement_url(a.id),
                    "title": xml_text(a.title),
                    "link": agreement_url(a.id),
                    "summary": xml_text(summary),
                },
            )
        )
        for d in decisions[a.id]:
            counts = (
                _("yes %(yes)s, no %(no)s, abstain %(abstain)s", yes=d.yes, no=d.no, abstain=d.abstain)
                if d.yes is not None
                else label("vote_method", d.method)
            )
            entries.append(
                (
                    _day(d.decided_on),
                    {
                        "id": f"{agreement_url(a.id)}#decision-{d.id}",
                        "title": xml_text(
                            _("Decision %(number)s: %(title)s", number=d.number, title=a.title)
                        ),
                        "link": f"{agreement_url(a.id)}#decision-{d.id}",
                        "summary": xml_text(f"{d.forum_name} · {label('motion_outcome', d.outcome)} · {counts}"),
                    },
                )
            )

    entries.sort(key=lambda e: e[0], reverse=True)
    fg.updated(entries[0][0] if entries else dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    for when, data in entries:
        fe = fg.add_entry(order="append")
        fe.id(data["id"])
        fe.title(data["title"])
        fe.link(href=data["link"], rel="alternate", type="text/html")
        fe.summary(data["summary"])
        fe.updated(when)
    return fg.atom_str(pretty=True)
