"""Demo data: a needs survey on water and sanitation (survei kebutuhan air dan sanitasi), its
stratified sample of the active members, their answers, and its result attached as evidence
("bukti kebutuhan anggota") to the pending credit line (Fasilitas Likuiditas Musiman).

The field officer records the answers at the weekly meetings of their three centres (channel
"officer"); the manager uploads the paper forms of the other two (channel "upload"). The last
centre returned only three forms, so its region shows suppressed cells (fewer than 5 respondents)
wherever the results are published to members. Everything goes through the surveys services, so it
is validated and audited like real input. The survey opens three weeks before the demo's today and
closes two weeks after it (the meetings of the forums loader are placed the same way).

Runs after the centres loader (it uses ctx["centres"], ctx["users"] and the credit line's clauses).
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from govtrack.agreements.models import Agreement, AgreementStatus, Clause
from govtrack.core import clock
from govtrack.extensions import db
from govtrack.forums.models import AgendaItem, Meeting, Motion
from govtrack.members.models import Member
from govtrack.surveys import services
from govtrack.surveys.models import SurveyMember

ACTOR = "demo"
REFERENCE = "PBY/2026/007"  # the pending credit line (see govtrack.demo.core)
SEED = 2026  # the sample's seed: the same members are drawn again
SAMPLE = 90  # of about 110 active members who are no investors
TITLE = "Survei kebutuhan air dan sanitasi 2026"
PURPOSE = (
    "Mengetahui akses air bersih, sumber air, biaya air dan kebutuhan mendesak keluarga anggota sebelum "
    "koperasi memutuskan Fasilitas Likuiditas Musiman dan program sambungan air tahun depan.")

SOURCES = ["Sumur gali", "Sumur bor", "Sambungan PDAM / koperasi", "Mata air", "Air isi ulang (membeli)"]
NEEDS = ["Sambungan air ke rumah", "Jamban sehat", "Tangki penampung air", "Perbaikan sumur",
         "Pinjaman musiman menjelang kemarau"]
QUESTIONS = [
    services.QuestionInput("air_bersih", "yes_no", "Apakah keluarga Anda mendapat air bersih setiap hari?"),
    services.QuestionInput("sumber_air", "single", "Sumber air utama keluarga", SOURCES),
    services.QuestionInput("kebutuhan", "multiple", "Kebutuhan yang paling mendesak (boleh lebih dari satu)", NEEDS),
    services.QuestionInput("biaya_air", "number", "Biaya air keluarga per bulan (rupiah)"),
    services.QuestionInput("kemarau", "yes_no", "Apakah sumur atau sumber air keluarga kering pada musim kemarau?"),
    services.QuestionInput("catatan", "text", "Catatan lain dari anggota", required=False),
]
# Per centre (in the order of the members loader's GROUPS): the weights of SOURCES, the chance
# that the family has clean water every day and that its source dries up, and how many of the
# drawn members answered (a share; None: exactly LOW_CENTRE_RESPONSES).
PROFILES = [
    ([2, 1, 5, 0, 2], 0.85, 0.30, 0.90),  # Cibinong: many connections already
    ([4, 2, 1, 3, 1], 0.65, 0.55, 0.85),  # Citeureup: springs and dug wells
    ([5, 2, 1, 0, 3], 0.55, 0.70, 0.80),  # Bojonggede: dug wells that dry up
    ([3, 3, 1, 0, 2], 0.60, 0.60, 0.75),  # Cileungsi
    ([4, 2, 0, 0, 4], 0.50, 0.75, None),  # Gunung Putri: few forms came back
]
LOW_CENTRE_RESPONSES = 3  # under the small-cell threshold of 5: its region is suppressed when published
NOTES = [
    "Air sumur keruh setelah hujan.", "Harus antre di mata air pada bulan Agustus.",
    "Ingin sambungan ke rumah kalau cicilannya mingguan.", "Jamban masih menumpang di tetangga.",
    "Membeli air isi ulang untuk minum dan memasak.", "Tangki bersama di musala sering kosong.",
]
OFFICER_CENTRES = 3  # the demo field officer's centres (see govtrack.demo.members)


def _answers(rng: random.Random, profile: tuple) -> dict:
    weights, clean, dries, _ = profile
    source = rng.choices(SOURCES, weights)[0]
    has_clean = rng.random() < clean
    dry = source in ("Sumur gali", "Mata air") and rng.random() < dries + 0.1 or rng.random() < dries / 3
    needs = [n for n, p in zip(NEEDS, (0.55 if source != "Sambungan PDAM / koperasi" else 0.1,
                                       0.35, 0.4, 0.45 if source.startswith("Sumur") else 0.1,
                                       0.7 if dry else 0.25), strict=True) if rng.random() < p]
    if not needs:
        needs = [rng.choice(NEEDS)]
    base = {"Sambungan PDAM / koperasi": 85_000, "Air isi ulang (membeli)": 150_000}.get(source, 35_000)
    cost = max(0, round(rng.gauss(base, base * 0.3) / 5_000) * 5_000)
    answers = {"air_bersih": has_clean, "sumber_air": source, "kebutuhan": needs, "biaya_air": cost, "kemarau": dry}
    if rng.random() < 0.3:
        answers["catatan"] = rng.choice(NOTES)
    return answers


def load(ctx: dict) -> None:
    centres = ctx.get("centres") or []
    if len(centres) < len(PROFILES):
        return  # the survey's profiles are those of the members loader's five centres
    users = ctx.get("users") or {}
    officer, manager, board = users.get("officer", ACTOR), users.get("manager", ACTOR), users.get("board", ACTOR)
    today = clock.today()
    opens_on, closes_on = today - dt.timedelta(days=21), today + dt.timedelta(days=14)
    survey = services.create_survey(actor=manager, today=today, data=services.SurveyInput(
        title=TITLE, purpose=PURPOSE, questions=QUESTIONS, population_kind="all", sample_size=SAMPLE,
        sample_seed=SEED, opens_on=opens_on, closes_on=closes_on, visibility="members"))
    drawn: dict[int, list[int]] = {}
    for member_id, centre_id in db.session.execute(
            select(SurveyMember.member_id, SurveyMember.centre_id).where(SurveyMember.survey_id == survey.id)
            .join(Member, Member.id == SurveyMember.member_id).order_by(Member.number)):
        drawn.setdefault(centre_id, []).append(member_id)

    rng = random.Random(SEED)
    for index, (centre, profile) in enumerate(zip(centres, PROFILES, strict=False)):
        members = drawn.get(centre.id, [])
        share = profile[3]
        answering = members[:LOW_CENTRE_RESPONSES] if share is None else \
            [m for m in members if rng.random() < share]
        if not answering:
            continue
        by_officer = index < OFFICER_CENTRES and officer != ACTOR
        items = []
        for m in answering:
            # the centre's weekly meetings in the open window (officer), or the days the paper forms were filled
            day = opens_on + dt.timedelta(days=2 + index + 7 * rng.randrange(0, 3)) if by_officer else \
                opens_on + dt.timedelta(days=rng.randrange(1, 18))
            items.append(services.ResponseInput(member_id=m, answers=_answers(rng, profile),
                                                answered_on=min(day, today)))
        services.record_responses(actor=officer if by_officer else manager, survey=survey, items=items,
                                  channel="officer" if by_officer else "upload", today=today)

    _evidence(survey, board)
    db.session.flush()
    ctx["surveys"] = [survey]


def _evidence(survey, actor) -> None:
    """The result as evidence on the credit line: the dry-season question on its first point (the
    draw before the dry season), the whole survey on its second; and on the deciding forum's agenda
    item or open motion for it, if the forums loader made one."""
    credit = db.session.scalar(select(Agreement).where(Agreement.reference == REFERENCE))
    if credit is None or credit.status != AgreementStatus.under_deliberation:
        return
    clauses = {c.number: c for c in db.session.scalars(select(Clause).where(Clause.agreement_id == credit.id))}
    if 1 in clauses:
        services.attach_evidence(
            actor=actor, survey=survey, question_key="kemarau", clause_id=clauses[1].id,
            note="Sebagian besar keluarga yang sumurnya kering pada musim kemarau membutuhkan pinjaman musiman.")
    if 2 in clauses:
        services.attach_evidence(
            actor=actor, survey=survey, clause_id=clauses[2].id,
            note="Biaya air bulanan anggota menjadi dasar kemampuan membayar bagi hasil.")
    item = db.session.scalar(
        select(AgendaItem).join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.agreement_id == credit.id, Meeting.status.in_(("scheduled", "open")))
        .order_by(AgendaItem.id.desc()).limit(1))
    if item is not None:
        services.attach_evidence(actor=actor, survey=survey, agenda_item_id=item.id,
                                 note="Hasil survei kebutuhan sebelum forum memutuskan.")
    motion = db.session.scalar(select(Motion).where(Motion.agreement_id == credit.id, Motion.status == "open")
                               .order_by(Motion.id.desc()).limit(1))
    if motion is not None:
        services.attach_evidence(actor=actor, survey=survey, motion_id=motion.id,
                                 note="Hasil survei kebutuhan sebelum forum memutuskan.")
