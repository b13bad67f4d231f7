"""Survey evidence ("bukti kebutuhan anggota"): attached from the motion, the meeting's agenda and
the agreement's clauses by those with surveys.edit, removed after a confirmation (audited), shown
beside the decision on the motion page, the agreement page and, for a published agreement, in the
members' portal, only from surveys published to the reader and only as published aggregates."""

import re

from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.surveys.models import SurveyEvidence
from tests.conftest import csrf_token, session_token
from tests.surveys.test_results_pages import ID, reference_margin, words

# The decision's fixture adds a member (the decider, of no centre) to the population: N = 20, 18 answered.
POINTS = f"{reference_margin(0.5, 18, 20) * 100:.1f}".replace(".", ",")
SUMBER = f"Sumber air utama? Sumur 50% ± {POINTS} poin; PDAM 50% ± {POINTS} poin; Sungai 0% ± 0,0 poin"


def attach(client, kind, target_id, survey, **values):
    url = f"/surveys/evidence/new?target={kind}&target_id={target_id}"
    token = csrf_token(client, f"{url}&survey_id={survey.id}")
    return client.post(url, data={"csrf_token": token, "survey_id": str(survey.id), "question_key": "",
                                  "region": "", "note": "", **values}, headers=ID)


def section(html: str, anchor: str) -> str:
    """The text of the element with this id, up to the next element with an id of the same kind."""
    start = html.index(f'id="{anchor}"')
    end = html.find('<li class="mb-3 border-start ps-3" id="clause-', start + 10)
    return words("<main>" + html[start:end if end > 0 else None] + "</main>")


def test_attach_from_the_motion_and_show_it_beside_the_decision(client, sign_in, answered, decided):
    survey = answered("members")
    sign_in("manager")
    motion = decided["motion"]
    form = client.get(f"/surveys/evidence/new?target=motion&target_id={motion.id}", headers=ID)
    assert form.status_code == 200 and "Pilih survei" in form.get_data(as_text=True)
    second = client.get(f"/surveys/evidence/new?target=motion&target_id={motion.id}&survey_id={survey.id}", headers=ID).get_data(as_text=True)
    assert "Sumber air utama?" in second and "Parung" in second and "Seluruh survei" in second
    post_form = second[second.index('<form method="post"'):]
    assert 'name="csrf_token"' in post_form[:post_form.index("</form>")]  # the form posts with its own token
    resp = attach(client, "motion", motion.id, survey, question_key="sumber", note="Dasar usulan kredit air")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/forums/motions/{motion.id}")
    page = words(client.get(f"/forums/motions/{motion.id}", headers=ID).get_data(as_text=True))
    assert "Bukti kebutuhan anggota" in page
    assert f"Survei kebutuhan air 2026 — semua wilayah {SUMBER} (18 responden) Dasar usulan kredit air" in page
    assert "Lepas bukti ini…" in page
    # the same evidence twice: refused, in words
    again = attach(client, "motion", motion.id, survey, question_key="sumber")
    assert again.status_code == 409 and "Bukti ini sudah dilampirkan." in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(SurveyEvidence)) == 1


def test_attach_to_a_clause_for_one_region(client, sign_in, answered, decided):
    survey = answered("members")
    sign_in("manager")
    clause = decided["clauses"][1]
    resp = attach(client, "clause", clause.id, survey, question_key="air_bersih", region="Parung")
    assert resp.status_code == 302
    html = client.get(f"/agreements/{decided['agreement'].id}", headers=ID).get_data(as_text=True)
    assert "wilayah Parung Apakah rumah tangga Anda punya akses air bersih? Ya 100% ± 0,0 poin; Tidak 0% ± 0,0 poin " \
           "(5 responden)" in section(html, f"clause-{clause.id}")
    assert "Bukti kebutuhan anggota" not in section(html, f"clause-{decided['clauses'][0].id}")


def test_attach_to_an_agenda_item_and_the_meeting_page_shows_it(client, sign_in, answered, decided):
    survey = answered("members")
    sign_in("manager")
    item = decided["item"]
    assert attach(client, "agenda-item", item.id, survey).status_code == 302  # the whole survey
    page = words(client.get(f"/forums/meetings/{item.meeting_id}", headers=ID).get_data(as_text=True))
    assert f"Bukti kebutuhan anggota {item.title} Bukti kebutuhan anggota Survei kebutuhan air 2026 — semua wilayah" in page
    assert f"Apakah rumah tangga Anda punya akses air bersih? Ya 50% ± {POINTS} poin; Tidak 50% ± {POINTS} poin" in page
    assert "Biaya air per bulan (Rp)? rata-rata 27.777,78; median 30.000; terendah 10.000; tertinggi 50.000" in page


def test_the_form_names_what_is_wrong_and_changes_nothing(client, sign_in, answered, decided):
    survey = answered("members")
    sign_in("manager")
    motion = decided["motion"]
    no_survey = attach(client, "motion", motion.id, survey, survey_id="")
    assert no_survey.status_code == 422 and "Pilih survei." in no_survey.get_data(as_text=True)
    bad = attach(client, "motion", motion.id, survey, question_key="nope", region="Mars")
    assert bad.status_code == 422 and "Bukan pilihan yang tersedia." in bad.get_data(as_text=True)
    long_note = attach(client, "motion", motion.id, survey, note="x" * 2001)
    assert long_note.status_code == 422
    assert db.session.scalar(select(db.func.count()).select_from(SurveyEvidence)) == 0
    for target in ("motion", "clause", "agenda-item"):
        assert client.get(f"/surveys/evidence/new?target={target}&target_id=9999").status_code == 404
    assert client.get("/surveys/evidence/new?target=vote&target_id=1").status_code == 404
    assert client.get("/surveys/evidence/new").status_code == 404


def test_only_surveys_edit_attaches_or_removes(app, client, sign_in, answered, decided):
    survey = answered("members")
    sign_in("manager")
    attach(client, "motion", decided["motion"].id, survey, question_key="sumber")
    evidence = db.session.scalar(select(SurveyEvidence))
    for role in ("officer", "member"):
        other = app.test_client()
        sign_in(role, client=other)
        assert other.get(f"/surveys/evidence/new?target=motion&target_id={decided['motion'].id}").status_code == 403
        assert other.get(f"/surveys/evidence/{evidence.id}/remove").status_code == 403
        token = session_token(other)
        assert other.post(f"/surveys/evidence/{evidence.id}/remove", data={"csrf_token": token}).status_code == 403
    assert db.session.get(SurveyEvidence, evidence.id) is not None


def test_removal_after_a_confirmation_is_audited(client, sign_in, answered, decided):
    survey = answered("members")
    sign_in("manager")
    motion = decided["motion"]
    attach(client, "motion", motion.id, survey, question_key="sumber")
    evidence = db.session.scalar(select(SurveyEvidence))
    evidence_id = evidence.id
    confirm = client.get(f"/surveys/evidence/{evidence.id}/remove", headers=ID)
    text = words(confirm.get_data(as_text=True))
    assert confirm.status_code == 200 and "Lepas bukti survei" in text and SUMBER in text
    assert "Lepas bukti ini…" not in text  # no link to itself
    token = csrf_token(client, f"/surveys/evidence/{evidence.id}/remove")
    resp = client.post(f"/surveys/evidence/{evidence.id}/remove", data={"csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/forums/motions/{motion.id}")
    db.session.expire_all()
    assert db.session.get(SurveyEvidence, evidence_id) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.evidence.remove"))
    assert event is not None and '"question_key":"sumber"' in event.before.replace(" ", "")
    assert "Bukti kebutuhan anggota" in words(client.get(f"/forums/motions/{motion.id}", headers=ID).get_data(as_text=True))
    assert SUMBER not in words(client.get(f"/forums/motions/{motion.id}", headers=ID).get_data(as_text=True))
    assert client.get(f"/surveys/evidence/{evidence_id}/remove").status_code == 404


def test_the_agreement_page_shows_its_motions_evidence(client, sign_in, answered, decided):
    survey = answered("internal")
    sign_in("manager")
    attach(client, "motion", decided["motion"].id, survey, question_key="sumber")
    text = words(client.get(f"/agreements/{decided['agreement'].id}", headers=ID).get_data(as_text=True))
    assert "Bukti kebutuhan anggota di balik usul keputusan" in text
    assert f"{decided['decision'].number} Survei kebutuhan air 2026 — semua wilayah {SUMBER}" in text


def test_the_portal_shows_published_evidence_only(app, client, sign_in, answered, decided):
    members = answered("members", title="Survei anggota")
    internal = answered("internal", title="Survei internal")
    sign_in("manager")
    attach(client, "clause", decided["clauses"][0].id, members, question_key="air_bersih", region="Bojong")
    attach(client, "clause", decided["clauses"][0].id, members, question_key="air_bersih", region="Parung")
    attach(client, "motion", decided["motion"].id, members, question_key="sumber")
    attach(client, "motion", decided["motion"].id, internal, question_key="sumber")
    # Point 1 was agreed; point 2 is still proposed: the portal lists neither it nor its evidence.
    attach(client, "clause", decided["clauses"][1].id, members, question_key="sumber")
    decided["clauses"][0].status = "accepted"
    db.session.commit()
    reader = app.test_client()
    sign_in("member", client=reader)
    resp = reader.get(f"/published/{decided['agreement'].id}", headers=ID)
    assert resp.status_code == 200
    text = words(resp.get_data(as_text=True))
    assert "Poin 1 Diterima Bunga 9 %." in text and "Tenor 3 tahun." not in text
    assert text.count("Poin 2") == 0
    assert "Yang ditunjukkan survei kebutuhan anggota" in text
    assert "Survei anggota — wilayah Bojong Apakah rumah tangga Anda punya akses air bersih? " \
           "disembunyikan: kurang dari 5 responden Bukti kebutuhan anggota Survei anggota" in text
    assert "Survei anggota — wilayah Parung Apakah rumah tangga Anda punya akses air bersih? Ya 100% ± 0,0 poin" in text
    assert f"Di balik keputusan Bukti kebutuhan anggota {decided['decision'].number} Survei anggota — semua wilayah {SUMBER}" in text
    assert "Survei internal" not in text and "Lepas bukti" not in text
    html = resp.get_data(as_text=True)
    assert f'href="/surveys/published/{members.id}"' in html and f"/surveys/{members.id}/results" not in html
    assert '<a href="#clause-1">Poin 1</a>' in html and 'id="clause-1"' in html


def test_one_evidence_query_however_many_items(client, sign_in, answered, decided, count_queries):
    survey = answered("members")
    sign_in("manager")
    url = f"/agreements/{decided['agreement'].id}"
    attach(client, "clause", decided["clauses"][0].id, survey, question_key="sumber")
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for clause in decided["clauses"][1:]:
        attach(client, "clause", clause.id, survey, question_key="air_bersih")
    attach(client, "motion", decided["motion"].id, survey, question_key="biaya", region="Parung")
    client.get(url)
    with count_queries() as many:
        html = client.get(url, headers=ID).get_data(as_text=True)
    assert len(re.findall(r'class="survey-evidence ', html)) == 4
    assert many.count == few.count, (few.statements, many.statements)
