"""The journeys of real people, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot


def test_a_member_finds_and_reads_a_published_agreement_in_indonesian(seed, new_page, sign_in):
    page = new_page(locale="en-US")
    sign_in(page, seed.users["member"])
    # the member chooses Bahasa Indonesia with the switcher in the header
    page.select_option("#lang-switch", "id")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("navigation", name="Utama").get_by_role("link", name="Perjanjian terbitan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Perjanjian terbitan")
    # searching by the partner's name finds the agreement published to members
    page.get_by_role("searchbox", name="Cari").fill("Bank Syariah")
    page.get_by_role("button", name="Cari").click()
    results = page.get_by_role("region", name="Hasil pencarian")
    expect(results.get_by_role("link")).to_have_count(1)
    results.get_by_role("link", name=seed.titles["members"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seed.titles["members"])
    main = page.locator("main")
    expect(main).to_contain_text("Rp 2.500.000.000")
    expect(main).to_contain_text("1 Juni 2025")
    expect(main).to_contain_text("Bank Syariah Makmur, sebagai pemberi pinjaman")
    expect(page.get_by_role("heading", name="Apa yang disepakati, poin demi poin")).to_be_visible()
    expect(main).to_contain_text("Bank menyediakan plafon")
    screenshot(page, "member-reads-agreement-id")


def test_an_anonymous_visitor_reads_a_public_agreement_and_cannot_reach_an_internal_one(
    seed, new_page, live_server
):
    page = new_page()
    page.goto("/published/")
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("link")).to_have_count(1)  # neither the members' nor the internal one
    expect(results).not_to_contain_text(seed.titles["members"])
    expect(results).not_to_contain_text(seed.titles["internal"])
    results.get_by_role("link", name=seed.titles["public"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seed.titles["public"])
    expect(page.locator("main")).to_contain_text("IDR 1,500,000,000")
    expect(page.locator("main")).to_contain_text("Yayasan Air Sehat, as funder")
    # typing the address of an internal agreement answers as for one that does not exist
    internal = page.goto(f"/published/{seed.agreements['internal']}")
    missing = page.request.get(live_server("/published/999999"))
    assert internal.status == missing.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("404")
    expect(page.locator("main")).to_contain_text("Not found.")
    expect(page.locator("main")).not_to_contain_text(seed.titles["internal"])
    api = page.request.get(live_server(f"/api/v1/public/agreements/{seed.agreements['internal']}"))
    assert api.status == 404
    assert not re.search("galian", page.content())
    screenshot(page, "anonymous-cannot-reach-internal")
