"""Writes of the funder's report: the manager's narrative, and a report obligation fulfilled with
the generated report attached as its evidence (one step)."""

from __future__ import annotations

import datetime as dt
import io

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from govtrack.agreements.models import Agreement
from govtrack.audit.services import record
from govtrack.core.actor import Actor, acting_user_id
from govtrack.core.exports import XLSX_MIMETYPE
from govtrack.errors import NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.obligations import services as obligations
from govtrack.obligations.models import Obligation, Occurrence
from govtrack.reports.models import ReportNarrative

NARRATIVE_MAX = 20000


def save_narrative(*, actor: Actor, agreement: Agreement, start: dt.date, end: dt.date, text: str) -> ReportNarrative | None:
    """The manager's narrative for the agreement and period, written or replaced (empty text removes
    it); audited with the text before and after."""
    text = (text or "").strip()
    if len(text) > NARRATIVE_MAX:
        raise ValidationFailed(str(_l("Too long.")), fields={"narrative": [
            _l("At most %(n)d characters.", n=NARRATIVE_MAX)]})
    if end < start:
        raise ValidationFailed(str(_l("The period ends before it starts.")), fields={"period_end": [
            _l("The period ends before it starts.")]})
    row = db.session.scalar(select(ReportNarrative).where(
        ReportNarrative.agreement_id == agreement.id, ReportNarrative.period_start == start,
        ReportNarrative.period_end == end))
    before = {"text": row.text} if row else {}
    if not text:
        if row is not None:
            db.session.delete(row)
            record("report.narrative", actor=actor, object_type="agreement", object_id=agreement.id,
                   before={**before, "period_start": start, "period_end": end}, after={})
        return None
    if row is None:
        row = ReportNarrative(agreement_id=agreement.id, period_start=start, period_end=end, text=text)
        db.session.add(row)
    row.text, row.updated_by_id = text, acting_user_id(actor)
    db.session.flush()
    record("report.narrative", actor=actor, object_type="agreement", object_id=agreement.id,
           before={**before, "period_start": start, "period_end": end} if before else {},
           after={"text": text, "period_start": start, "period_end": end})
    return row


def fulfil_with_report(*, actor: Actor, agreement: Agreement, occurrence_id: int, on: dt.date,
                       content: bytes, filename: str, note: str) -> Occurrence:
    """Fulfil an open `report` occurrence the cooperative owes under `agreement`, the generated
    report (an .xlsx) attached as its evidence, through the obligations service (its checks, its
    audit event)."""
    row = db.session.execute(
        select(Occurrence.id, Obligation.id).join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(Occurrence.id == occurrence_id, Obligation.agreement_id == agreement.id,
               Obligation.kind == "report", Obligation.owed_by == "cooperative")
    ).first()
    if row is None:
        raise NotFound(str(_l("No such report obligation of this agreement.")))
    obligation = obligations.load_for_update(row[1])
    file = FileStorage(stream=io.BytesIO(content), filename=filename, content_type=XLSX_MIMETYPE)
    return obligations.fulfil(actor=actor, obligation=obligation, on=on, note=note, occurrence_id=occurrence_id,
                              file=file)
