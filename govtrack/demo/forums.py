"""Demo data: forums, a closed meeting whose decisions approved agreements, and a scheduled one.

Everything goes through the forums services, so the demo decisions are real decisions: numbered,
audited, and applied to the agreements. Uses ctx["members"] (the members loader) and
ctx["agreements"] (the core loader) when present.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from govtrack.agreements.models import Agreement, AgreementStatus
from govtrack.core import clock
from govtrack.demo.core import advance
from govtrack.extensions import db
from govtrack.forums import services
from govtrack.forums.models import Choice
from govtrack.members.models import Member, MemberInterest
from govtrack.members.services import centre_for_group

ACTOR = "demo"

FALLBACK_NAMES = [
    "Siti Aminah", "Budi Santoso", "Dewi Lestari", "Agus Salim", "Rina Wulandari", "Joko Widodo",
    "Nur Hidayah", "Ahmad Fauzi", "Sri Rahayu", "Bambang Susilo", "Fitri Handayani", "Eko Prasetyo",
    "Yuni Astuti", "Hendra Gunawan", "Lina Marlina", "Teguh Wibowo", "Ratna Sari", "Dedi Kurniawan",
    "Wati Suryani", "Rudi Hartono", "Ani Yulianti", "Slamet Riyadi", "Endang Purwati", "Imam Syafii",
]


def _members(ctx: dict) -> list[Member]:
    # Members with a declared interest would be recused on some motions: the demo's voters are the
    # others (the interests stay on the roster to show recusal on the member pages).
    interested = set(db.session.scalars(select(MemberInterest.member_id)))
    members = [m for m in ctx.get("members") or [] if m.active and not m.investor and m.id not in interested]
    if members:
        return members
    # Without the members loader (or with an empty roster), a small roster of our own.
    created = []
    for i, name in enumerate(FALLBACK_NAMES, start=1):
        centre = centre_for_group(actor="demo", name=f"Rembug {['Melati', 'Mawar', 'Kenanga'][i % 3]}")
        m = Member(number=f"DF-{i:04d}", name=name, centre_id=centre.id, group_name=centre.name)
        db.session.add(m)
        created.append(m)
    db.session.flush()
    ctx["members"] = created
    return created


def load(ctx: dict) -> None:
    """Forums with their rules, a closed meeting with decisions, and a scheduled meeting."""
    members = _members(ctx)
    voters = members[: min(len(members), 60)]
    # Meetings start at 09:00 on the cooperative's clock, as real ones do (not at the minute the demo loads).
    now = clock.from_local(dt.datetime.combine(clock.today(), dt.time(9, 0)))

    central = services.create_forum(actor=ACTOR, data=services.ForumData(
        name="Forum Rembug Pusat", kind="rembug_pusat", code="RP", all_members=True,
        quorum_numerator=1, quorum_denominator=2, quorum_strict=False, threshold="simple_majority",
        proxy_limit=1))
    sharia = services.create_forum(actor=ACTOR, data=services.ForumData(
        name="Dewan Pengawas Syariah", kind="sharia_supervisory", code="DPS", all_members=False,
        voter_ids=[m.id for m in voters[:3]], quorum_numerator=2, quorum_denominator=3,
        threshold="unanimous", proxy_limit=0))
    services.create_forum(actor=ACTOR, data=services.ForumData(
        name="Pengurus", kind="board", code="PG", all_members=False, voter_ids=[m.id for m in voters[3:8]],
        quorum_numerator=1, quorum_denominator=2, quorum_strict=True, threshold="simple_majority",
        proxy_limit=1))
    services.create_forum(actor=ACTOR, data=services.ForumData(
        name="Rapat Anggota Tahunan", kind="members_meeting", code="RAT", all_members=True,
        quorum_numerator=1, quorum_denominator=2, quorum_strict=True, threshold="two_thirds", proxy_limit=2))
    db.session.flush()

    agreement_ids = [a.id for a in ctx.get("agreements") or []]
    open_ones = list(db.session.scalars(
        select(Agreement).where(Agreement.id.in_(agreement_ids),
                                Agreement.status.in_([AgreementStatus.draft.value,
                                                      AgreementStatus.under_deliberation.value]))
        .order_by(Agreement.id)
    )) if agreement_ids else []

    # The central forum's closed meeting: most of the roster present, two by proxy, a few absent.
    meeting = services.create_meeting(actor=ACTOR, forum=central, title="Rembug Pusat bulanan",
                                      starts_at=now - dt.timedelta(days=14), location="Balai Koperasi")
    to_approve = open_ones[:3]
    for a in to_approve:
        services.add_agenda_item(actor=ACTOR, meeting=meeting, title=f"Pembahasan: {a.title}", agreement_id=a.id)
    services.open_meeting(actor=ACTOR, meeting=meeting, now=now - dt.timedelta(days=14))
    n = len(voters)
    present, proxied, absent = voters[: n - 6], voters[n - 6: n - 4], voters[n - 4:]
    entries = [services.AttendanceEntry(m.id, "present") for m in present]
    entries += [services.AttendanceEntry(m.id, "proxy", present[i].id) for i, m in enumerate(proxied)]
    entries += [services.AttendanceEntry(m.id, "absent") for m in absent]
    services.set_attendance(actor=ACTOR, meeting=meeting, entries=entries)
    choices = [Choice.yes.value] * 7 + [Choice.no.value, Choice.abstain.value, Choice.yes.value]
    for i, a in enumerate(to_approve):
        motion = services.create_motion(actor=ACTOR, meeting=meeting, data=services.MotionData(
            title=f"Menyetujui {a.title}", text=f"Forum Rembug Pusat menyetujui perjanjian “{a.title}”.",
            effect="approve", agreement_id=a.id))
        if i == 1:
            services.consensus(actor=ACTOR, motion=motion, now=now - dt.timedelta(days=14))
            continue
        voting = present + proxied
        services.cast_votes(actor=ACTOR, motion=motion,
                            votes=[(m.id, choices[j % len(choices)]) for j, m in enumerate(voting)])
        services.close_motion(actor=ACTOR, motion=motion, now=now - dt.timedelta(days=14))
    general = services.create_motion(actor=ACTOR, meeting=meeting, data=services.MotionData(
        title="Iuran kebersihan sumur bersama", text="Iuran kebersihan naik menjadi Rp 5.000 per bulan."))
    services.record_tally(actor=ACTOR, motion=general, yes=len(present) // 3, no=len(present) // 2, abstain=2)
    services.close_motion(actor=ACTOR, motion=general, now=now - dt.timedelta(days=14))
    services.set_minutes(actor=ACTOR, meeting=meeting, text=(
        "## Pembukaan\n\nRapat dibuka pukul 09.00 oleh ketua pengurus dengan basmalah.\n\n"
        "## Pembahasan\n\nPerjanjian kerja sama dibahas poin demi poin. Anggota yang menyatakan "
        "kepentingan tidak ikut memberikan suara.\n\n## Penutup\n\nRapat ditutup pukul 11.30."))
    services.close_meeting(actor=ACTOR, meeting=meeting, now=now - dt.timedelta(days=14, hours=-3))
    services.approve_minutes(actor=ACTOR, meeting=meeting)

    # Financing agreements also need the sharia supervisory board (default policy).
    finance = [a for a in to_approve if a.kind in ("loan", "credit_line", "guarantee")]
    if finance:
        dps = services.create_meeting(actor=ACTOR, forum=sharia, title="Rapat DPS: akad pembiayaan",
                                      starts_at=now - dt.timedelta(days=7), location="Kantor pusat")
        # A motion decides only what the agenda announced.
        for a in finance:
            services.add_agenda_item(actor=ACTOR, meeting=dps, title=f"Kesesuaian syariah: {a.title}",
                                     agreement_id=a.id)
        services.open_meeting(actor=ACTOR, meeting=dps, now=now - dt.timedelta(days=7))
        services.set_attendance(actor=ACTOR, meeting=dps,
                                entries=[services.AttendanceEntry(m.id, "present") for m in voters[:3]])
        for a in finance:
            motion = services.create_motion(actor=ACTOR, meeting=dps, data=services.MotionData(
                title=f"Kesesuaian syariah: {a.title}", text="DPS menyatakan akad sesuai prinsip syariah.",
                effect="approve", agreement_id=a.id))
            services.cast_votes(actor=ACTOR, motion=motion, votes=[(m.id, "yes") for m in voters[:3]])
            services.close_motion(actor=ACTOR, motion=motion, now=now - dt.timedelta(days=7))
        services.close_meeting(actor=ACTOR, meeting=dps, now=now - dt.timedelta(days=7, hours=-2))

    upcoming = services.create_meeting(actor=ACTOR, forum=central, title="Rembug Pusat bulan depan",
                                       starts_at=now + dt.timedelta(days=16), location="Balai Koperasi")
    for a in open_ones[3:5]:
        services.add_agenda_item(actor=ACTOR, meeting=upcoming, title=f"Pembahasan: {a.title}", agreement_id=a.id)
    db.session.flush()
    ctx["forums"] = [central, sharia]
    if "agreement_targets" in ctx:
        # Now that decisions exist, move the core agreements as far toward their demo status as
        # the decisions allow (approved ones get signed and become active, and so on).

        advance(ctx)
