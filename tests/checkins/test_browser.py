"""Real browser (Debian chromium): self check-in, the gate kiosk with typed
scanner input, and the kiosk's offline queue then sync."""

from __future__ import annotations

import pytest
from django.conf import settings

from truyvet.checkins import tokens
from truyvet.checkins.models import ScanEvent
from truyvet.places.models import Presence


def _login(context, live_server, user) -> None:
    from django.test import Client

    c = Client()
    c.force_login(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": c.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_self_checkin(live_server, world, browser_context):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/c/{tokens.place_token(world.canteen1.pk)}/")
    page.fill("#id_nid", world.w2.national_id)
    page.fill("#id_dob", "1995-03-04")
    page.click("button[type=submit]")
    page.locator("button[value=in]").click()
    page.locator(".result.green").wait_for()
    assert world.w2.full_name in page.locator(".result").inner_text()
    assert Presence.objects.filter(person=world.w2, place=world.canteen1, source=1).count() == 1
    # The phone remembers: a new visit goes straight to the buttons.
    page.goto(f"{live_server.url}/c/{tokens.place_token(world.canteen1.pk)}/")
    assert page.locator("button[value=out]").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kiosk_with_typed_scanner_input(live_server, world, browser_context):
    _login(browser_context, live_server, world.user("baove"))
    badge = tokens.badge_token(tokens.issue_badge(world.w1))
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/checkins/kiosk/{world.gate1.pk}/")
    page.locator("#scan-input").press_sequentially(badge)
    page.keyboard.press("Enter")
    page.locator("#result.green").wait_for()
    assert world.w1.full_name in page.locator("#result").inner_text()
    page.locator("#scan-input").press_sequentially("024195000001|x|y")
    page.keyboard.press("Enter")
    page.locator("#result.red").wait_for()
    assert Presence.objects.filter(person=world.w1, place=world.gate1, source=2).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kiosk_offline_queue_then_sync(live_server, world, browser_context):
    from playwright.sync_api import expect

    _login(browser_context, live_server, world.user("baove"))
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/checkins/kiosk/{world.gate1.pk}/")
    browser_context.set_offline(True)
    for nid in (world.w1.national_id, world.w2.national_id):
        page.fill("#scan-input", nid)
        page.keyboard.press("Enter")
    page.locator("#result.amber").wait_for()
    assert page.locator("#queue-count").inner_text() == "2"
    assert not ScanEvent.objects.exists()
    browser_context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("0")
    assert ScanEvent.objects.count() == 2
    assert Presence.objects.filter(place=world.gate1, source=2).count() == 2
    page.reload()  # nothing left to resend, nothing sent twice
    page.wait_for_timeout(300)
    assert ScanEvent.objects.count() == 2
