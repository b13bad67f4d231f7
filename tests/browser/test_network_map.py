"""The interactive network map in Chromium: drawn by its static script under the page's CSP, a click
on a partner opens its panel with the same impact as /api/v1/network/impact, the filters change it,
a member's map holds nothing internal, keyboard use, and axe-core in both languages at desktop and
phone width."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from govtrack.extensions import db
from tests.browser.conftest import describe, run_axe, screenshot, sign_in_through_the_form

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
INTERNAL_PARTNER = "Pemerintah Kabupaten Bogor"
INTERNAL_TITLE = "Rancangan izin galian pipa"
# Collects what the CSP blocked: an init script runs before the page's own and is not subject to it.
CSP_WATCH = ("window.__csp = []; document.addEventListener('securitypolicyviolation',"
             " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


@pytest.fixture
def works(live_server, seed) -> dict:
    """A construction contract that needs the public grant (a dependency between two partners)."""
    from govtrack.agreements.services import AgreementData, PartyData, create_agreement
    from govtrack.partners.services import PartnerData, create_partner

    with live_server.app.app_context():
        builder = create_partner(actor="test", data=PartnerData(name="CV Tirta Bangun",
                                                                category="construction_partner"))
        db.session.flush()
        works = create_agreement(actor="test", data=AgreementData(
            title="Pembangunan jaringan pipa Cibinong", kind="construction", visibility="members",
            parties=[PartyData(partner_id=builder.id, role="contractor")], value_amount=Decimal("900000000"),
            start_date=dt.date(2025, 4, 1), depends_on=[seed.agreements["public"]]))
        works.status = "active"
        db.session.commit()
        return {"builder": builder.id, "works": works.id}


def open_map(page, path: str = "/network/") -> dict:
    """Go to the network page and wait for the map; what the console and the network said."""
    seen = {"console": [], "bad": [], "map": []}
    page.on("console", lambda m: m.type == "error" and seen["console"].append(m.text))
    page.on("pageerror", lambda e: seen["console"].append(str(e)))
    page.on("response", lambda r: r.status >= 400 and seen["bad"].append(f"{r.status} {r.url}"))
    page.on("response", lambda r: "/api/v1/network/map" in r.url and seen["map"].append(r))
    page.add_init_script(CSP_WATCH)
    response = page.goto(path)
    assert response.status == 200
    seen["csp"] = response.headers["content-security-policy"]
    page.wait_for_selector("#network-map[data-state=ready]", state="attached")
    return seen


def assert_clean(page, seen: dict) -> None:
    assert page.evaluate("window.__csp") == []
    assert [b for b in seen["bad"] if not b.endswith("/favicon.ico")] == []
    assert [c for c in seen["console"] if not c.startswith("Failed to load resource")] == []


def click_partner(page, partner_id: int) -> None:
    """Click the partner's node where it is drawn, as a person would."""
    page.locator("#network-map").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # cytoscape ignores taps for 250 ms after the page scrolled
    x, y = page.evaluate(
        "id => { const n = window.networkMap.cy.getElementById('p' + id); const p = n.renderedPosition();"
        " const r = document.getElementById('network-map').getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; }", partner_id)
    page.mouse.click(x, y)
    page.wait_for_selector(f"#map-panel .map-partner[data-partner-id='{partner_id}'] .map-impact")


def test_the_map_is_drawn_by_its_script_under_the_csp(new_page, seed, works):
    page = new_page(locale="id-ID")
    sign_in_through_the_form(page, seed.users["board"])
    seen = open_map(page)
    assert "'unsafe-inline'" not in seen["csp"] and "script-src 'self'" in seen["csp"]
    assert_clean(page, seen)
    assert page.locator("#network-map-section").is_visible()
    assert page.locator("#network-map canvas").count() >= 1
    # The cooperative and four partners (the board sees the internal permit too); one dependency.
    assert page.get_attribute("#network-map", "data-partners") == "4"
    assert page.get_attribute("#network-map", "data-dependencies") == "1"
    assert page.evaluate("window.networkMap.cy.nodes().length") == 5
    edge = page.evaluate("window.networkMap.cy.edges('.dep').map(e => [e.source().id(), e.target().id()])")
    assert edge == [[f"p{seed.partners['yayasan']}", f"p{works['builder']}"]]
    measure = page.evaluate("performance.getEntriesByName('map-first-render').map(m => m.duration)")
    assert len(measure) == 1 and measure[0] > 0
    # Words in Indonesian, numbers by its locale; the static picture stays for print and no-JS.
    assert page.locator("#map-h").inner_text() == "Peta"
    assert "HHI 10.000" in page.locator(".map-conc").inner_text()
    assert page.locator("section[aria-labelledby=picture-h] img").count() == 1
    assert page.get_attribute("#network-map", "aria-label") == "Peta jaringan ketergantungan"
    screenshot(page, "network-map-desktop")


def test_clicking_a_partner_shows_what_fails_if_it_left(new_page, seed, works):
    page = new_page(locale="id-ID")
    sign_in_through_the_form(page, seed.users["board"])
    seen = open_map(page)
    yayasan = seed.partners["yayasan"]
    click_partner(page, yayasan)
    panel = page.locator("#map-panel")
    text = panel.inner_text()
    assert "Yayasan Air Sehat" in text and "Jika mitra ini keluar" in text
    assert "Hibah air bersih untuk rembug Cibinong" in text and "Pembangunan jaringan pipa Cibinong" in text
    impact = panel.locator(".map-impact")
    api = page.evaluate("url => fetch(url).then(r => r.json())", f"/api/v1/network/impact?partner_id={yayasan}")
    assert impact.get_attribute("data-direct") == str(len(api["direct"])) == "1"
    assert impact.get_attribute("data-through") == str(len(api["through_dependencies"])) == "1"
    assert impact.get_attribute("data-obligations") == str(len(api["obligations"]))
    assert impact.get_attribute("data-value-at-risk") == api["value_at_risk_total"] == "2400000000.00"
    assert "Nilai yang terancam: Rp 2.400.000.000" in impact.inner_text()
    # What breaks is marked on the map too: the builder downstream of the funder.
    assert page.evaluate(f"window.networkMap.cy.getElementById('p{works['builder']}').hasClass('at-risk')")
    assert page.evaluate(f"window.networkMap.cy.getElementById('p{yayasan}').selected()")
    # A second partner replaces the first.
    click_partner(page, seed.partners["bank"])
    assert "Bank Syariah Makmur" in panel.inner_text() and "Yayasan Air Sehat" not in panel.inner_text()
    assert_clean(page, seen)


def test_the_filters_change_the_map(new_page, seed, works):
    page = new_page(locale="en-US")
    sign_in_through_the_form(page, seed.users["board"])
    open_map(page)
    assert page.get_attribute("#network-map", "data-partners") == "4"
    page.select_option("#category", "nonprofit_funder")
    with page.expect_response(lambda r: "/api/v1/network/map" in r.url) as response:
        page.locator("form[aria-label=Filters] button[type=submit]").click()
    assert "category=nonprofit_funder" in response.value.url
    page.wait_for_selector("#network-map[data-state=ready]", state="attached")
    assert page.get_attribute("#network-map", "data-partners") == "1"
    assert page.evaluate("window.networkMap.cy.nodes('.partner').map(n => n.data('name'))") == ["Yayasan Air Sehat"]
    # A date before anything was signed: an empty map, said in words.
    page.goto("/network/?as_of=2024-01-01")
    page.wait_for_selector("#network-map[data-state=ready]", state="attached")
    assert page.get_attribute("#network-map", "data-partners") == "0"
    assert "No agreement with the chosen statuses on this date." in page.locator("#network-map").inner_text()


def test_a_members_map_holds_nothing_internal(new_page, seed, works):
    page = new_page(locale="id-ID")
    sign_in_through_the_form(page, seed.users["member"])
    seen = open_map(page)
    body = seen["map"][0].text()
    assert INTERNAL_PARTNER not in body and INTERNAL_TITLE not in body
    ids = {p["id"] for p in json.loads(body)["partners"]}
    assert ids == {seed.partners["yayasan"], seed.partners["bank"], works["builder"]}
    assert INTERNAL_PARTNER not in page.locator("#network-map-section").inner_text()
    assert_clean(page, seen)
    # Its panel answers 404 to a member, as if it did not exist.
    status = page.evaluate("url => fetch(url).then(r => r.status)",
                           f"/network/partners/{seed.partners['pemda']}/panel")
    assert status == 404


def test_search_and_panel_work_from_the_keyboard(new_page, seed, works):
    page = new_page(locale="id-ID")
    sign_in_through_the_form(page, seed.users["board"])
    open_map(page)
    page.focus("#map-q")
    page.keyboard.type("tirta")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#map-panel .map-partner[data-partner-id='{works['builder']}']")
    assert page.evaluate("document.activeElement.id") == "map-panel-h"
    assert page.locator("#map-search-status").inner_text() == "Ditampilkan di peta: CV Tirta Bangun."
    reached = []
    for _ in range(4):  # the impact table (a scrolling region) and then the partner's agreement
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#map-panel') !== null")
        reached.append(page.evaluate("document.activeElement.textContent"))
    assert "Pembangunan jaringan pipa Cibinong" in reached
    # A name that is not on the map: said, and nothing chosen.
    page.fill("#map-q", "tidak ada")
    page.keyboard.press("Enter")
    assert "Tidak ada mitra di peta" in page.locator("#map-search-status").inner_text()
    # The single points of failure and brokers listed beside the map are buttons that choose them.
    buttons = page.locator("#map-spof button, #map-brokers button")
    if buttons.count():
        buttons.first.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement.id === 'map-panel-h'")


def test_no_axe_violations_in_either_language_on_desktop_and_phone(new_page, seed, works, live_server):
    page = new_page(locale="id-ID", axe=True)
    sign_in_through_the_form(page, seed.users["board"])
    problems = []
    for language in ("id", "en"):
        page.goto("/network/")
        if page.locator("html").get_attribute("lang") != language:
            if page.locator(".site-menu > summary").is_visible():
                page.locator(".site-menu > summary").click()
            page.select_option("#lang-switch", language)
            page.locator("form:has(#lang-switch) button").click()
            page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.goto("/network/")
            page.wait_for_selector("#network-map[data-state=ready]", state="attached")
            page.fill("#map-q", "Yayasan")
            page.keyboard.press("Enter")
            page.wait_for_selector("#map-panel .map-impact")
            violations = run_axe(page)
            if violations:
                problems.append(f"axe ({language}, {name}):\n{describe(violations)}")
            wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if wide[0] > wide[1]:
                problems.append(f"wider than the window ({language}, {name}): {wide}")
            if name == "phone" and language == "id":
                # On a phone the panel comes below the map. Both are read in one script, against
                # the page rather than the window: the panel scrolls into view smoothly (Bootstrap
                # sets scroll-behavior: smooth), so two separate reads could straddle a scroll step.
                map_bottom, panel_top = page.evaluate(
                    "[document.querySelector('#network-map').getBoundingClientRect().bottom,"
                    " document.querySelector('#map-panel').getBoundingClientRect().top]"
                )
                assert panel_top >= map_bottom
                screenshot(page, "network-map-phone")
    assert not problems, "\n".join(problems)
