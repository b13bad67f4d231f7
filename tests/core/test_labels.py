"""One label per stored value: every enum value has its label in one table of govtrack.core.labels,
every label is translated, and the pages, the CSV export and the iCalendar feed that printed raw
codes now show the label in the reader's language."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from enum import StrEnum
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from icalendar import Calendar

import govtrack
from govtrack.agreements.models import (
    AgreementKind,
    AgreementStatus,
    ClauseStatus,
    PartyRole,
    ProposedBy,
    Visibility,
)
from govtrack.auth.permissions import Role
from govtrack.centres.models import Position
from govtrack.core import labels
from govtrack.core.labels import label
from govtrack.extensions import db
from govtrack.forums.models import (
    AttendanceStatus,
    Choice,
    Effect,
    ForumKind,
    MeetingStatus,
    MinutesStatus,
    MotionStatus,
    Outcome,
    Threshold,
    VoteMethod,
)
from govtrack.network.graph import FLOWS
from govtrack.notices.models import NoticeStatus
from govtrack.obligations import queries, reminders
from govtrack.obligations.models import ObligationKind, OccurrenceStatus, OwedBy
from govtrack.partners.models import PartnerCategory
from govtrack.results.models import ActualStatus, Measure, ResultKind
from govtrack.surveys.models import Channel, PopulationKind, QuestionKind, SurveyVisibility
from tests.conftest import csrf_token

CATALOG = Path(__file__).resolve().parents[2] / "govtrack/translations/id/LC_MESSAGES/messages.po"

# Every enum of the models, with the table (or tables) that label its values.
ENUM_TABLES = [
    (PartnerCategory, ["partner_category", "partner_category_plural"]),
    (AgreementKind, ["agreement_kind"]),
    (AgreementStatus, ["agreement_status", "agreement_move"]),
    (PartyRole, ["party_role"]),
    (Visibility, ["visibility"]),
    (ClauseStatus, ["clause_status"]),
    (Position, ["centre_position"]),
    (ProposedBy, ["proposed_by", "proposed_by_phrase"]),
    (ObligationKind, ["obligation_kind"]),
    (OwedBy, ["owed_by", "owed_direction", "owed_direction_short"]),
    (OccurrenceStatus, ["occurrence_status"]),
    (ForumKind, ["forum_kind"]),
    (Threshold, ["threshold"]),
    (MeetingStatus, ["meeting_status"]),
    (MinutesStatus, ["minutes_status"]),
    (AttendanceStatus, ["attendance_status"]),
    (Effect, ["motion_effect", "decision_effect"]),
    (MotionStatus, ["motion_status"]),
    (VoteMethod, ["vote_method"]),
    (Choice, ["vote_choice"]),
    (Outcome, ["motion_outcome"]),
    (Role, ["user_role"]),
    (NoticeStatus, ["notice_status"]),
    (ResultKind, ["result_kind"]),
    (Measure, ["indicator_measure"]),
    (ActualStatus, ["actual_status"]),
    (QuestionKind, ["question_kind"]),
    (PopulationKind, ["survey_population"]),
    (SurveyVisibility, ["survey_visibility"]),
    (Channel, ["survey_channel"]),
]


@pytest.mark.parametrize(("enum", "tables"), ENUM_TABLES, ids=[e.__name__ for e, _ in ENUM_TABLES])
def test_every_value_of_every_enum_has_a_label(enum, tables):
    for table in tables:
        missing = [v.value for v in enum if v.value not in labels.TABLES[table]]
        assert not missing, f"{table} has no label for {missing}"


def test_every_enum_of_the_models_is_covered():
    areas = [p.name for p in Path(govtrack.__file__).parent.iterdir() if (p / "models.py").exists()]
    found = {
        obj for area in areas for obj in vars(importlib.import_module(f"govtrack.{area}.models")).values()
        if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
    }
    assert len(areas) >= 6 and len(found) >= 15
    assert not found - {e for e, _ in ENUM_TABLES}, "enums without a label table"


def test_the_network_flows_have_labels():
    assert set(FLOWS) <= set(labels.NETWORK_FLOW)


def test_every_label_has_an_indonesian_translation():
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    missing = [
        (name, code, text._args[0])
        for name, table in labels.TABLES.items() for code, text in table.items()
        if not (catalog.get(text._args[0]) and catalog.get(text._args[0]).string
                and not catalog.get(text._args[0]).fuzzy)
    ]
    assert not missing


@pytest.mark.parametrize(("table", "code", "english", "indonesian"), [
    ("agreement_status", "draft", "Draft", "Draf"),
    ("agreement_status", "under_deliberation", "Under deliberation", "Sedang dimusyawarahkan"),
    ("motion_outcome", "carried", "Carried", "Diterima"),
    ("motion_outcome", "defeated", "Defeated", "Ditolak"),
    ("vote_method", "roll_call", "By roll-call vote", "Dengan pemungutan suara per nama"),
    ("vote_choice", "yes", "Yes", "Setuju"),
    ("obligation_kind", "construction_milestone", "Construction milestone", "Tahap pembangunan"),
    ("partner_category", "local_government", "Local government", "Pemerintah daerah"),
])
def test_a_label_reads_in_the_reader_s_language(app, table, code, english, indonesian):
    with app.test_request_context():
        with force_locale("en"):
            assert label(table, code) == english
        with force_locale("id"):
            assert label(table, code) == indonesian


def test_an_unknown_code_is_shown_as_it_is(app):
    with app.test_request_context():
        assert label("agreement_status", "archived") == "archived"
        assert label("agreement_status", None) == ""
        assert {c.value: c.label for c in labels.choices("visibility")}["public"] == "Public"


# ---- pages that printed the raw code ----

ID = {"Accept-Language": "id"}


def test_the_meeting_pages_show_status_effect_and_votes_in_indonesian(
    client, sign_in, make_meeting, make_member, make_motion, make_agreement, vote, close
):
    sign_in("manager")
    voters = [make_member() for _ in range(3)]
    meeting = make_meeting(present=voters)
    agreement = make_agreement("Pinjaman air", kind="credit_line", status="under_deliberation")
    motion = make_motion(meeting, effect="approve", agreement=agreement)
    vote(motion, {voters[0]: "yes", voters[1]: "no", voters[2]: "abstain"})
    close(motion)

    page = client.get(f"/forums/meetings/{meeting.id}", headers=ID)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ">Dibuka</span>" in html  # the meeting's status, not "open"
    assert ">Draf</span>" in html  # the minutes' status, not "draft"
    assert "Menyetujui perjanjian" in html  # the motion's effect
    assert "<td>Setuju" in html and "<td>Tidak setuju" in html  # the votes, not "yes" and "no"
    assert "<td>yes" not in html

    html = client.get(f"/forums/motions/{motion.id}", headers=ID).get_data(as_text=True)
    assert "<td>Setuju" in html and "<td>Abstain" in html and "<td>yes" not in html

    html = client.get("/forums/meetings", headers=ID).get_data(as_text=True)
    assert ">Dibuka</span>" in html and ">open</span>" not in html


def test_the_forum_list_and_policy_show_kinds_in_indonesian(client, sign_in, make_forum):
    sign_in("admin")
    make_forum("sharia_supervisory")
    html = client.get("/forums/", headers=ID).get_data(as_text=True)
    assert "Dewan Pengawas Syariah (DPS)" in html
    html = client.get("/forums/policy", headers=ID).get_data(as_text=True)
    assert "Fasilitas kredit" in html  # the agreement kind, not "credit line"
    assert "credit line" not in html


def test_the_obligation_page_shows_its_kind_in_indonesian(client, sign_in, setting, make_obligation):
    ob = make_obligation(due_date=dt.date(2027, 4, 2), kind="construction_milestone")
    sign_in(setting["manager"])
    html = client.get(f"/obligations/{ob.id}", headers=ID).get_data(as_text=True)
    assert "Tahap pembangunan" in html and "construction_milestone" not in html


def test_the_csv_export_writes_labels_in_the_reader_s_language(client, sign_in, setting, make_obligation):
    make_obligation(due_date=dt.date(2027, 4, 2), kind="construction_milestone", amount="1000")
    sign_in(setting["manager"])
    resp = client.get("/obligations/export.csv", headers=ID)
    assert resp.status_code == 200
    header, row = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    values = dict(zip(header, row, strict=True))
    assert values["Jenis"] == "Tahap pembangunan"
    assert values["Status"] == "Menunggu"
    assert values["Arah"] == "Kewajiban mitra kepada koperasi"
    assert values["Kategori"] == "Lembaga non-profit"


def test_the_calendar_feed_speaks_its_owner_s_language(app, client, sign_in, setting, make_obligation):
    make_obligation(due_date=dt.date(2027, 3, 20), kind="report", title="Laporan triwulan")
    setting["manager"].locale = "id"
    db.session.commit()
    sign_in(setting["manager"])
    resp = client.post("/obligations/calendar/issue",
                       data={"csrf_token": csrf_token(client, "/obligations/calendar")})
    url = resp.get_data(as_text=True).split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    body = app.test_client().get(url.replace("http://localhost", "")).data  # a calendar program: no language
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    description = str(event["description"])
    assert "Status: Segera jatuh tempo" in description
    assert "Jenis: Laporan" in description
    assert "due_soon" not in description


def test_the_digest_e_mail_speaks_its_reader_s_language(app, setting, make_obligation):
    make_obligation(due_date=dt.date(2027, 3, 10), kind="disbursement", title="Grant tranche")
    manager = setting["manager"]
    manager.locale = "id"
    db.session.commit()
    rows = queries.digest_items(today=dt.date(2027, 3, 15))[manager.id]
    body = reminders.compose(manager, rows, dt.date(2027, 3, 15)).get_content()
    assert body.startswith("Halo Siti Manager,")
    assert "Lewat jatuh tempo:" in body
    assert "Pencairan: Grant tranche" in body


def test_a_refusal_names_the_statuses_by_their_labels(api_as, make_agreement):
    agreement = make_agreement("Hibah sumur", status="draft")
    api = api_as("admin")
    api.headers["Accept-Language"] = "id"
    resp = api.post(f"/api/v1/agreements/{agreement.id}/transition", json={"to": "completed"})
    assert resp.status_code == 409
    message = resp.get_json()["error"]["message"]
    assert message == "Perjanjian tidak dapat berpindah dari status draf ke selesai."
