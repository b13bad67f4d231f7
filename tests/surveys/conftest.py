"""Fixtures for the surveys tests: a roster of centres in two regions, and a survey factory."""

import datetime as dt

import pytest

from govtrack.extensions import db
from govtrack.surveys import services
from tests.members.conftest import in_request  # noqa: F401 (a fixture)

OPENS, CLOSES = dt.date(2026, 11, 1), dt.date(2026, 12, 31)
TODAY = dt.date(2026, 11, 30)

QUESTIONS = [
    services.QuestionInput("air_bersih", "yes_no", "Apakah rumah tangga Anda punya akses air bersih?"),
    services.QuestionInput("sumber", "single", "Sumber air utama?", ["Sumur", "PDAM", "Sungai"]),
    services.QuestionInput("kebutuhan", "multiple", "Apa yang dibutuhkan?", ["Jamban", "Tangki air", "Filter"]),
    services.QuestionInput("biaya", "number", "Biaya air per bulan (Rp)?", required=False),
    services.QuestionInput("catatan", "text", "Catatan", required=False),
]


@pytest.fixture
def roster(make_centre, make_member, make_user):
    """Three centres: two in Kecamatan Cibinong (5 and 4 members, the first attended by an officer),
    one in Kecamatan Bojong (3 members); an inactive member and an investor who are never drawn."""
    officer = make_user("officer", name="Yusuf Petugas")
    centres = {
        "melati": make_centre("Rembug Melati", code="RP-1", region="Cibinong", officer=officer),
        "mawar": make_centre("Rembug Mawar", code="RP-2", region="Cibinong"),
        "kenanga": make_centre("Rembug Kenanga", code="RP-3", region="Bojong"),
    }
    members = {}
    for key, n in (("melati", 5), ("mawar", 4), ("kenanga", 3)):
        members[key] = [make_member(f"{centres[key].name} {i}", group=centres[key].name) for i in range(n)]
    make_member("Tidak aktif", group="Rembug Melati", active=False)
    make_member("Investor", group="Rembug Melati", investor=True)
    return {"centres": centres, "members": members, "officer": officer}


@pytest.fixture
def make_survey(app_context):
    def make(*, questions=QUESTIONS, population_kind="all", regions=(), centre_ids=(), size=None, seed=None,
             visibility="internal", opens_on=OPENS, closes_on=CLOSES, title="Survei kebutuhan air"):
        survey = services.create_survey(actor="test", today=TODAY, data=services.SurveyInput(
            title=title, purpose="Mengukur kebutuhan air dan sanitasi.", questions=list(questions),
            population_kind=population_kind, regions=list(regions), centre_ids=list(centre_ids), sample_size=size,
            sample_seed=seed, opens_on=opens_on, closes_on=closes_on, visibility=visibility))
        db.session.commit()
        return survey

    return make
