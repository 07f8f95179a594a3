"""A health officer declares a case in a real browser: log in, find the person
with the live search, submit, read the F1 list."""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_health_officer_declares_a_case(live_server, outbreak, browser_page):
    page = browser_page
    w = outbreak.world
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "ytedn")
    page.fill("input[name=password]", "pw-Tr0ng-Demo")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav.nav >> a[href='/cases/']")
    page.click("a[href='/cases/declare/']")
    page.fill("#person-q", "Nguyễn Thị")  # htmx live search
    pick = page.locator("#person-results label.pick", has_text=w.w1.full_name)
    pick.wait_for()
    pick.locator("input[type=radio]").check()
    page.fill("input[name=onset_date]", "2026-06-10")
    page.fill("input[name=depth]", "2")
    page.click("form.declare button[type=submit]")
    page.wait_for_url(f"{live_server.url}/cases/*/")
    body = page.locator("#contacts").inner_text()
    assert w.w2.full_name in body and outbreak.z1.full_name in body
    assert "98B-123.45" in body
    assert w.x1.full_name not in body  # F2 is on the next tab
    page.click("nav.tabs >> text=F2")
    page.wait_for_url("**level=2**")
    assert w.x1.full_name in page.locator("#contacts").inner_text()
