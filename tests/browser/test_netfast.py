"""The network page's status filter (issue 14), as a board member who reads only Indonesian does it
on a phone (360 px) and a desk (1280 px): the statuses are checkboxes in a fieldset with a legend,
the default ones ticked and marked "(bawaan)"; ticking only "Draf" shows the draft network and
keeps the choice (in the form, the picture's address and the what-if form); the form passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE_JS, WCAG_TAGS, describe, screenshot, sign_in_through_the_form

DEFAULT = ["Aktif (bawaan)", "Ditangguhkan (bawaan)", "Sedang dimusyawarahkan (bawaan)", "Disetujui (bawaan)"]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_statuses_are_ticked_by_default_and_a_choice_is_kept(seed, new_page, width):
    page = new_page(locale="id-ID", width=width, axe=True)
    sign_in_through_the_form(page, seed.users["board"])
    page.goto("/network/")
    statuses = page.get_by_role("group", name="Status perjanjian")
    expect(statuses).to_be_visible()
    expect(statuses).to_contain_text("Bawaan: yang berlaku (aktif atau ditangguhkan), sedang dimusyawarahkan, dan disetujui.")
    for label in DEFAULT:
        expect(statuses.get_by_label(label, exact=True)).to_be_checked()
    for label in ("Draf", "Selesai", "Diakhiri", "Ditolak"):
        expect(statuses.get_by_label(label, exact=True)).not_to_be_checked()

    # The form passes axe (the rest of the page belongs to other work and is checked there).
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run('form[aria-label=\"Saringan\"]', {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    assert result["violations"] == [], describe(result["violations"])

    for label in DEFAULT:
        statuses.get_by_label(label, exact=True).uncheck()
    statuses.get_by_label("Draf", exact=True).check()
    page.get_by_role("button", name="Tampilkan", exact=True).click()
    page.wait_for_load_state()
    assert re.search(r"[?&]status=draft(&|$)", page.url) and "status=active" not in page.url
    statuses = page.get_by_role("group", name="Status perjanjian")
    expect(statuses.get_by_label("Draf", exact=True)).to_be_checked()
    for label in DEFAULT:
        expect(statuses.get_by_label(label, exact=True)).not_to_be_checked()
    picture = page.locator("section img").first
    expect(picture).to_have_attribute("src", re.compile(r"status=draft"))
    assert page.locator('input[type=hidden][name=status][value=draft]').count() >= 1  # the what-if form carries it
    screenshot(page, f"netfast-statuses-{width}")
