"""The forums' registers as files people download: the decision register and the meetings with
their attendance, each as CSV and as its Excel twin (govtrack.core.exports), in the reader's
language, rows read in keyset batches and written as they come (memory stays flat)."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _

from govtrack.core import clock
from govtrack.core.exports import Column, Kind
from govtrack.core.labels import labels
from govtrack.forums import register
from govtrack.forums.register import EffectRecord, RegisterFilter


class EffectWords:
    """Each effect as the register page says it: "poin 2 → diubah", "PKS/2026/009 → disetujui",
    "menunggu: Dewan Pengawas Syariah (DPS)", "Laporan bulanan: 3 jadwal dibebaskan". The words are
    looked up once per file, not once per effect (a gettext per effect was a quarter of an export)."""

    def __init__(self) -> None:
        # Without arguments gettext answers the translated pattern itself; rows fill it in.
        self.point, self.awaiting, self.waived = (
            _("point %(n)s"), _("awaiting: %(f)s"), _("%(obligation)s: %(n)s occurrences waived"))
        self.agreement_status, self.clause_status = labels("agreement_status"), labels("clause_status")
        self.forum_kind = labels("forum_kind")

    def __call__(self, e: EffectRecord) -> str:
        if e.object == "clause":
            return f"{self.point % {'n': e.number}} → {self.clause_status.get(e.to, e.to or '').lower()}"
        if e.object == "agreement" and e.awaiting:
            return self.awaiting % {"f": ", ".join(self.forum_kind.get(k, k) for k in e.awaiting)}
        if e.object == "agreement":
            return f"{e.name} → {self.agreement_status.get(e.to, e.to or '').lower()}"
        return self.waived % {"obligation": e.name, "n": e.count if e.count is not None else "—"}


def decision_table(filters: RegisterFilter) -> tuple[list[Column], Iterator[list]]:
    """The register's columns and its rows (newest first, as the page)."""
    columns = [
        Column(_("Number"), width=16), Column(_("Date"), Kind.date), Column(_("Forum"), width=24),
        Column(_("Meeting"), width=30), Column(_("Agreement reference"), width=18), Column(_("Agreement"), width=40),
        Column(_("Effect"), width=30), Column(_("What it did"), width=50), Column(_("Vote")),
        Column(_("Yes"), Kind.integer), Column(_("No"), Kind.integer), Column(_("Abstain"), Kind.integer),
        Column(_("Present"), Kind.integer), Column(_("Eligible"), Kind.integer), Column(_("Decision"), width=60),
    ]
    words = EffectWords()
    effect, method = labels("decision_effect"), labels("vote_method")

    def rows() -> Iterator[list]:
        for batch in register.register_batches(filters):
            effects = register.effect_records(batch)
            for d in batch:
                m, a = d.motion, d.agreement
                counted = m.method != "consensus"
                yield [
                    d.number, d.decided_on, d.forum.name, d.meeting.title, a.reference if a else None,
                    a.title if a else None, effect.get(d.effect, d.effect),
                    "; ".join(words(e) for e in effects[d.id]),
                    method.get(m.method or "vote", m.method),
                    m.yes if counted else None, m.no if counted else None, m.abstain if counted else None,
                    m.present, m.eligible, d.text,
                ]

    return columns, rows()


def meeting_table(filters: dict) -> tuple[list[Column], Iterator[list]]:
    """The meetings list's columns and rows with attendance: one row per meeting, newest first."""
    zone = clock.zone_label()
    columns = [
        Column(_("Starts (%(zone)s)", zone=zone), Kind.datetime), Column(_("Meeting"), width=36),
        Column(_("Forum"), width=24), Column(_("Location"), width=24), Column(_("Status")),
        Column(_("Present"), Kind.integer), Column(_("Eligible"), Kind.integer), Column(_("Quorum")),
        Column(_("Minutes")), Column(_("Reason for cancelling"), width=30),
    ]
    status, minutes = labels("meeting_status"), labels("minutes_status")
    quorate, not_quorate = _("Quorate"), _("Not quorate")

    def rows() -> Iterator[list]:
        for batch in register.meeting_batches(**filters):
            for r in batch:
                m = r.meeting
                yield [
                    m.starts_at,
                    m.title, m.forum.name, m.location, status.get(m.status, m.status), r.present, r.eligible,
                    quorate if r.quorate else not_quorate, minutes.get(m.minutes_status, m.minutes_status),
                    m.cancel_reason,
                ]

    return columns, rows()
