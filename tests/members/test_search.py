"""Roster search at its edges: numbers, words of names, contains, groups, filters, keyset pages."""

from __future__ import annotations

import pytest

from govtrack.core.paging import encode_cursor
from govtrack.errors import ValidationFailed
from govtrack.members import queries
from govtrack.members.queries import looks_like_number, member_page

pytestmark = pytest.mark.usefixtures("in_request")


def numbers(page) -> list[str]:
    return [m.number for m in page.items]


def names(page) -> list[str]:
    return [m.name for m in page.items]


def walk(limit: int = 2, **filters) -> list:
    """Every member the search finds, page by page."""
    seen, cursor = [], None
    while True:
        page = member_page(limit=limit, cursor=cursor, **filters)
        seen.extend(page.items)
        if page.next is None:
            return seen
        cursor = page.next


@pytest.fixture
def roster(make_member):
    for i in range(1, 21):
        make_member(f"Anggota {i:02d}", number=f"KSP-{i:03d}", group="Rembug Melati" if i % 2 else "Rembug Mawar")
    make_member("Siti Aminah", number="KSP-1000", group="Rembug Kenanga")
    make_member("SITI Rahma", number="KSP-1001", group="Rembug Kenanga", investor=True)
    make_member("Ani Siti", number="KSP-1002", group="Rembug Kenanga", active=False)
    make_member("Sitorus", number="B-7", group=None)


def test_a_full_number_finds_that_member_first(roster, make_member):
    make_member("Tono", number="KSP-10")
    assert numbers(member_page(q="KSP-10")) == ["KSP-10", "KSP-1000", "KSP-1001", "KSP-1002"]
    assert numbers(member_page(q="KSP-1001")) == ["KSP-1001"]


def test_a_number_prefix_stops_exactly_at_the_next_prefix(roster):
    assert numbers(member_page(q="KSP-01")) == [f"KSP-{i:03d}" for i in range(10, 20)]
    assert numbers(member_page(q="KSP-019")) == ["KSP-019"]
    assert numbers(member_page(q="KSP-02")) == ["KSP-020"]


def test_a_number_in_small_letters_is_found(roster):
    assert numbers(member_page(q="  ksp-1001 ")) == ["KSP-1001"]


def test_an_unknown_number_finds_nobody(roster):
    assert member_page(q="KSP-9").items == [] and member_page(q="KSP-9").next is None


def test_a_name_is_found_by_any_of_its_words_ignoring_case(roster):
    # "Ani Siti" has Siti as its second word; "Sitorus" shares "sit" but not "siti". Byte order:
    # lower(name), so case does not order them.
    assert names(member_page(q="siti")) == ["Ani Siti", "Siti Aminah", "SITI Rahma"]
    assert names(member_page(q="SITI R")) == ["SITI Rahma"]
    assert names(member_page(q="sit")) == ["Ani Siti", "Siti Aminah", "SITI Rahma", "Sitorus"]


def test_a_surname_finds_the_member_without_ticking_anything(roster, make_member):
    """Issue 17: "Komariah" found nothing unless "any part of the name" was ticked."""
    make_member("Sri Komariah", number="KSP-2000")
    make_member("Komariah Dewi", number="KSP-2001")
    make_member("Nurkomariah", number="KSP-2002")  # Komariah inside a word: not a word of the name
    assert names(member_page(q="Komariah")) == ["Komariah Dewi", "Sri Komariah"]
    assert names(member_page(q="kom sri")) == ["Sri Komariah"]  # every word, in any order
    assert names(member_page(q="komariah  ani")) == []
    assert names(member_page(q="aminah siti")) == ["Siti Aminah"]


def test_words_are_letters_and_digits_never_operators(roster, make_member):
    make_member("Siti-Aisyah Putri", number="KSP-3000")
    make_member("Nur'aini", number="KSP-3001")
    assert names(member_page(q="aisyah")) == ["Siti-Aisyah Putri"]
    assert names(member_page(q="aini")) == ["Nur'aini"]
    for q in ['"siti', "siti*", "siti AND", "NOT siti", "siti OR rahma", "(siti)", "siti:*", "'", "\\"]:
        assert member_page(q=q).next is None  # no error, whatever the syntax
    assert names(member_page(q="siti OR rahma")) == []  # OR is a word here, and no name has it
    assert names(member_page(q="(siti)")) == ["Ani Siti", "Siti Aminah", "SITI Rahma", "Siti-Aisyah Putri"]


def test_a_renamed_or_removed_member_is_found_by_the_new_name_only(roster, make_member, app_context):
    from govtrack.extensions import db

    member = make_member("Dewi Lestari", number="KSP-4000")
    assert names(member_page(q="lestari")) == ["Dewi Lestari"]
    member.name = "Dewi Komariah"
    db.session.commit()
    assert names(member_page(q="lestari")) == [] and names(member_page(q="komariah")) == ["Dewi Komariah"]
    db.session.delete(member)
    db.session.commit()
    assert names(member_page(q="komariah")) == []


@pytest.mark.parametrize("dense", [2000, 1])
def test_a_word_first_in_some_names_and_later_in_others_is_merged_in_name_order(roster, make_member, monkeypatch,
                                                                                  dense):
    # Names that begin with the word come from the name index's range, the others from the index
    # of names; a page merges both in one order, and the next page goes on from where it stopped.
    # `dense`: past it, the later-word names are found walking the name index (SQLite).
    monkeypatch.setattr(queries, "DENSE", dense)
    for i, name in enumerate(["Budi Siti", "Siti Zubaidah", "Zaenal Sitompul", "Aan Sitiawati", "Siti"]):
        make_member(name, number=f"KSP-5{i:03d}")
    expected = ["Aan Sitiawati", "Ani Siti", "Budi Siti", "Siti", "Siti Aminah", "SITI Rahma", "Siti Zubaidah"]
    assert names(member_page(q="siti", limit=50)) == expected
    assert [m.name for m in walk(limit=2, q="siti")] == expected
    assert [m.name for m in walk(limit=2, q="siti", active=False)] == ["Ani Siti"]
    assert [m.name for m in walk(limit=3, q="SIT")] == expected[:3] + ["Siti", "Siti Aminah", "SITI Rahma",
                                                                        "Siti Zubaidah", "Sitorus", "Zaenal Sitompul"]


def test_one_letter_finds_the_names_beginning_with_it(roster):
    assert names(member_page(q="s")) == ["Siti Aminah", "SITI Rahma", "Sitorus"]


def test_contains_finds_the_name_anywhere(roster):
    assert names(member_page(q="siti", contains=True)) == ["Ani Siti", "Siti Aminah", "SITI Rahma"]


def test_like_wildcards_in_a_search_are_plain_characters(roster, make_member):
    make_member("Nur_Hayati", number="X-1")
    assert names(member_page(q="nur_")) == ["Nur_Hayati"]
    assert member_page(q="a_g").items == []
    assert member_page(q="%", contains=True).items == []
    assert member_page(q="_", contains=True).items[0].name == "Nur_Hayati"


def test_a_group_lists_its_members_by_name(roster):
    page = member_page(group="Rembug Kenanga", limit=50)
    assert names(page) == ["Ani Siti", "SITI Rahma", "Siti Aminah"]  # byte order: capitals first
    assert len(member_page(group="Rembug Melati", limit=50).items) == 10
    assert member_page(group="Rembug", limit=50).items == []  # a group is matched exactly


def test_group_and_search_together(roster):
    assert names(member_page(group="Rembug Kenanga", q="siti")) == ["Ani Siti", "SITI Rahma", "Siti Aminah"]
    assert numbers(member_page(group="Rembug Melati", q="KSP-01", limit=50)) == [
        "KSP-011", "KSP-013", "KSP-015", "KSP-017", "KSP-019"
    ]


def test_active_and_investor_filters(roster):
    assert names(member_page(active=False)) == ["Ani Siti"]
    assert names(member_page(investor=True)) == ["SITI Rahma"]
    assert len(walk(limit=7, active=True)) == 23


@pytest.mark.parametrize(
    "filters",
    [{}, {"q": "anggota"}, {"q": "KSP-0"}, {"group": "Rembug Melati"}, {"q": "i", "contains": True},
     {"q": "siti"}, {"q": "anggota 05"}],
)
def test_keyset_pages_return_every_match_once_in_order(roster, make_member, filters):
    # Same names, to exercise the id tie-break of the name orders.
    for n in range(3):
        make_member("Anggota 05", number=f"DUP-{n}", group="Rembug Melati")
    everything = member_page(limit=500, **filters).items
    paged = walk(limit=2, **filters)
    assert [m.id for m in paged] == [m.id for m in everything]
    assert len(everything) >= 3


def test_bad_cursors_are_refused(roster):
    with pytest.raises(ValidationFailed):
        member_page(cursor="not-a-cursor!")
    with pytest.raises(ValidationFailed):
        member_page(q="siti", cursor=encode_cursor(["KSP-001"]))  # a number cursor for a name search
    with pytest.raises(ValidationFailed):
        member_page(cursor=encode_cursor([5]))


def test_what_counts_as_a_number():
    assert looks_like_number("KSP-001") and looks_like_number("123") and looks_like_number("ksp/2")
    assert not looks_like_number("Siti") and not looks_like_number("Siti 2") and not looks_like_number("")
