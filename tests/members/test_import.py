"""The CSV import: check every line first, write nothing for a bad file, upsert in bulk."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from sqlalchemy import func, select

from govtrack.audit.models import AuditEvent
from govtrack.audit.services import verify_chain
from govtrack.extensions import db
from govtrack.members import importer
from govtrack.members.importer import ImportRejected
from govtrack.members.models import Member
from tests.members.conftest import HEADER, TODAY, csv_bytes, import_csv

pytestmark = pytest.mark.usefixtures("in_request")


def members() -> dict[str, Member]:
    return {m.number: m for m in db.session.scalars(select(Member))}


def member_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Member))


def import_events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.import")))


def rejected(data: bytes, **kw) -> importer.ImportResult:
    with pytest.raises(ImportRejected) as info:
        import_csv(data, **kw)
    db.session.rollback()
    return info.value.result


def test_a_good_file_creates_every_member_with_its_values(app):
    result = import_csv(
        csv_bytes(
            "ksp-001,Siti  Rahmawati,Rembug Melati,2019-04-12,1,0",
            "KSP-002,Budi Santoso,,2020-01-05,ya,tidak",
            'KSP-003,"Dewi, Lestari",Rembug Kenanga,,0,1',
        )
    )
    assert (result.created, result.updated, result.unchanged, result.rows) == (3, 0, 0, 3)
    assert result.errors == []
    rows = members()
    assert set(rows) == {"KSP-001", "KSP-002", "KSP-003"}  # numbers are stored in capitals
    siti = rows["KSP-001"]
    assert (siti.name, siti.group_name, siti.joined_on, siti.active, siti.investor) == (
        "Siti Rahmawati", "Rembug Melati", dt.date(2019, 4, 12), True, False
    )
    assert rows["KSP-002"].group_name is None and rows["KSP-002"].active is True
    dewi = rows["KSP-003"]
    assert (dewi.name, dewi.joined_on, dewi.active, dewi.investor) == ("Dewi, Lestari", None, False, True)


def test_one_audit_event_per_import_with_the_counts(app):
    import_csv(csv_bytes(*(f"N{i},Anggota {i},G,,1,0" for i in range(25))))
    events = import_events()
    assert len(events) == 1
    assert '"created":25' in events[0].after and '"rows":25' in events[0].after
    # ... after one event per member added, in file order, the summary last.
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    # (the group G, named by no centre yet, became one first)
    assert actions == ["centre.create"] + ["member.import_add"] * 25 + ["member.import"]


def test_each_member_added_or_changed_has_its_own_event_and_an_unchanged_one_none(app):
    import_csv(csv_bytes("P-1,Ani Lestari,Rembug Melati,2020-01-01,1,0", "P-2,Budi,Rembug Melati,,1,0",
                         "P-3,Citra,Rembug Mawar,,1,0"))
    first = db.session.scalar(select(func.max(AuditEvent.id)))
    import_csv(csv_bytes("P-1,Ani Lestari,Rembug Melati,2020-01-01,1,0",  # unchanged
                         "P-2,Budi Santoso,Rembug Kenanga,,0,0",  # name, group and active changed
                         "P-3,Citra,Rembug Mawar,,1,0",
                         "P-4,Dewi,,2021-05-06,1,1"))  # new
    rows = members()
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.id > first).order_by(AuditEvent.id)))
    # Rembug Kenanga was no centre yet: it became one, before the members were written.
    assert [e.action for e in events] == ["centre.create", "member.import_add", "member.import_change",
                                          "member.import"]
    made, added, changed, summary = events
    assert json.loads(made.after)["name"] == "Rembug Kenanga"
    assert added.object_type == "member" and added.object_id == rows["P-4"].id
    assert json.loads(added.after) == {"number": "P-4", "name": "Dewi", "group": None, "joined_on": "2021-05-06",
                                       "active": True, "investor": True}
    assert changed.object_id == rows["P-2"].id
    assert json.loads(changed.before) == {"number": "P-2", "name": "Budi", "group": "Rembug Melati", "active": True}
    assert json.loads(changed.after) == {"number": "P-2", "name": "Budi Santoso", "group": "Rembug Kenanga",
                                         "active": False}
    assert json.loads(summary.after) == {"rows": 4, "created": 1, "updated": 1, "unchanged": 2}
    assert verify_chain().ok  # the batch continues the chain as one-by-one events would


def test_a_rejected_import_records_no_event(app):
    rejected(csv_bytes("Q-1,Ani,G,,1,0", "Q-2,,G,,1,0"))
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_bad_file_writes_nothing_and_names_every_bad_line(app):
    data = csv_bytes(
        "A-1,Ani,G1,2020-01-01,1,0",  # line 2: good
        "A-2,,G1,2020-01-01,1,0",  # 3: no name
        "A-3,Citra,G1,2020-13-01,1,0",  # 4: no such month
        "A-4,Dian,G1,2020-01-01,maybe,0",  # 5: not a yes/no
        "A-1,Eka,G1,2020-01-01,1,0",  # 6: number repeated (line 2)
        "A-5,Fajar,G1",  # 7: too few values
        "A 6,Gita,G1,2020-01-01,1,0",  # 8: space in number
        "A-7,Hadi,G1,2026-11-28,1,0",  # 9: joined tomorrow
        "A-8,Indah,G1,2020-01-01,1,0",  # 10: good
    )
    result = rejected(data)
    by_line = {e.line: e.message for e in result.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9]
    assert by_line[3].startswith("name:")
    assert by_line[4].startswith("joined_on:")
    assert by_line[5].startswith("active:")
    assert "line 2" in by_line[6]
    assert "6" in by_line[7] and "3" in by_line[7]
    assert by_line[8].startswith("number:")
    assert "future" in by_line[9]
    assert result.error_count == 7
    assert member_count() == 0 and import_events() == []


def test_one_bad_line_among_many_good_ones_still_writes_nothing(app):
    lines = [f"B-{i},Anggota {i},G,,1,0" for i in range(300)]
    lines[250] = "B-250,Anggota,G,,1,2"
    result = rejected(csv_bytes(*lines), chunk_size=50)
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [(252, "investor")]
    assert member_count() == 0


def test_several_problems_on_one_line_are_reported_together(app):
    result = rejected(csv_bytes(",,,yesterday,2,3"))
    (error,) = result.errors
    assert error.line == 2
    for name in ("number", "name", "joined_on", "active", "investor"):
        assert f"{name}:" in error.message


def test_reimport_updates_changed_members_and_leaves_the_rest(app):
    import_csv(csv_bytes("C-1,Ani,G1,2020-01-01,1,0", "C-2,Budi,G1,2020-01-01,1,0"))
    before = members()
    created_at = before["C-1"].created_at
    c2_updated_at = before["C-2"].updated_at
    db.session.expire_all()

    result = import_csv(
        csv_bytes("C-1,Ani Suryani,G2,2020-01-01,0,1", "C-2,Budi,G1,2020-01-01,1,0", "C-3,Citra,G2,,1,0")
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    after = members()
    assert (after["C-1"].name, after["C-1"].group_name, after["C-1"].active, after["C-1"].investor) == (
        "Ani Suryani", "G2", False, True
    )
    assert after["C-1"].created_at == created_at and after["C-1"].updated_at > created_at
    assert after["C-2"].updated_at == c2_updated_at  # unchanged rows are not rewritten
    assert len(import_events()) == 2


def test_reimport_across_chunks_counts_right(app):
    import_csv(csv_bytes(*(f"D-{i:03d},Anggota {i},G,,1,0" for i in range(7))), chunk_size=3)
    lines = [f"D-{i:03d},Anggota {i}{'x' if i % 2 else ''},G,,1,0" for i in range(10)]
    result = import_csv(csv_bytes(*lines), chunk_size=3)
    assert (result.created, result.updated, result.unchanged) == (3, 3, 4)
    assert member_count() == 10


def test_bom_and_crlf_are_handled(app):
    result = import_csv(csv_bytes("E-1,Eka Putri,Rembug Mawar,2021-02-03,1,0", newline="\r\n", bom=True))
    assert result.created == 1
    eka = members()["E-1"]
    assert eka.name == "Eka Putri" and eka.group_name == "Rembug Mawar" and eka.investor is False


def test_semicolons_from_an_indonesian_spreadsheet_are_understood(app):
    data = csv_bytes("F-1;Fitri;Rembug Anggrek;2021-02-03;1;0", header=HEADER.replace(",", ";"))
    assert import_csv(data).created == 1
    assert members()["F-1"].group_name == "Rembug Anggrek"


def test_header_in_any_order_and_case(app):
    data = csv_bytes("Gita,G-1,0,1,,Rembug Teratai", header="Name,NUMBER,investor,active,joined_on,Group")
    assert import_csv(data).created == 1
    gita = members()["G-1"]
    assert (gita.name, gita.group_name, gita.active) == ("Gita", "Rembug Teratai", True)


def test_a_missing_header_is_a_clear_error(app):
    result = rejected(csv_bytes("H-1,Hana,G,,1,0", header=None))
    (error,) = result.errors
    assert error.line == 1 and "number, name, group, joined_on, active, investor" in error.message
    assert member_count() == 0


def test_a_wrong_header_names_the_missing_and_unknown_columns(app):
    result = rejected(csv_bytes("H-1,Hana,G,,1", header="number,name,grup,joined_on,active"))
    (error,) = result.errors
    assert error.line == 1
    assert "missing column(s): group, investor" in error.message
    assert "unknown column(s): grup" in error.message


def test_an_empty_file_is_a_clear_error(app):
    result = rejected(b"")
    assert [(e.line, "empty" in e.message) for e in result.errors] == [(1, True)]


def test_a_header_alone_imports_nothing(app):
    result = import_csv(csv_bytes())
    assert (result.created, result.rows) == (0, 0)


def test_bytes_that_are_not_utf8_are_reported_on_their_line(app):
    data = csv_bytes("I-1,Ika,G,,1,0", "I-2,Ind\xe4h,G,,1,0").replace("Ind\xe4h".encode(), b"Ind\xe4h")
    result = rejected(data)
    assert [e.line for e in result.errors] == [3]
    assert "UTF-8" in result.errors[0].message


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(app):
    data = csv_bytes('J-1,"Joko\nWidodo",G,,1,0', "", "J-2,,G,,1,0")
    result = rejected(data)
    assert [e.line for e in result.errors] == [5]


def test_an_unclosed_quote_is_reported(app):
    result = rejected(csv_bytes('K-1,"Kartini,G,,1,0', "K-2,Kurnia,G,,1,0"))
    assert len(result.errors) == 1 and result.errors[0].line >= 2
    assert member_count() == 0


def test_only_the_first_errors_are_listed_but_all_are_counted(app, monkeypatch):
    monkeypatch.setattr(importer, "MAX_REPORTED_ERRORS", 3)
    result = rejected(csv_bytes(*(f"L-{i},,G,,1,0" for i in range(5))))
    assert len(result.errors) == 3 and result.error_count == 5


def test_the_import_uses_one_select_and_one_write_per_chunk(app, count_queries):
    data = csv_bytes(*(f"M-{i:03d},Anggota {i},G,,1,0" for i in range(100)))
    with count_queries() as q:
        import_csv(data, chunk_size=25)
    # 4 chunks x (SELECT + upsert + SELECT of the new ids + the audit head and one insert of the
    # chunk's events) plus the summary event's few statements, and the new centre G's few (a
    # lookup, the next code, one insert, a read back, its event): never one per row.
    assert q.count <= 4 * 6 + 6 + 8, q.statements
    assert member_count() == 100


def test_a_file_source_that_is_spooled_to_disk_works(app):
    import tempfile

    with tempfile.SpooledTemporaryFile(max_size=10) as fh:
        fh.write(csv_bytes("N-1,Nur,G,,1,0"))
        result = importer.import_members(actor="test", source=fh, today=TODAY)
    db.session.commit()
    assert result.created == 1


def test_check_import_alone_writes_nothing(app):
    result = importer.check_import(io.BytesIO(csv_bytes("O-1,Oki,G,,1,0")), today=TODAY)
    assert result.rows == 1 and member_count() == 0
