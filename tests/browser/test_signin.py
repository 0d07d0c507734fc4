"""Signing in and out in a real browser: errors, the keyboard alone, and sessions that expire."""

from __future__ import annotations

import time

from careercredit.demo.directory import CampusDirectory
from tests.conftest import PEOPLE


def test_a_wrong_password_then_a_directory_that_is_down(
    serve, people, private_campus: CampusDirectory
) -> None:
    visitor = people(serve(private_campus), "visitor")
    visitor.sign_in(PEOPLE["student"], "wrong horse", status=422)
    alert = visitor.page.get_by_role("alert")
    assert alert.inner_text() == "Invalid username or password."
    assert visitor.page.get_by_label("Campus username").input_value() == PEOPLE["student"]
    assert visitor.page.get_by_label("Password").input_value() == ""  # never sent back

    private_campus.stop()
    visitor.sign_in(PEOPLE["student"], status=503)
    assert "campus directory is unavailable" in alert.inner_text()
    assert "Invalid" not in visitor.text()
    assert visitor.page.get_by_label("Campus username").input_value() == PEOPLE["student"]


def test_signing_in_and_out_with_the_keyboard_alone(serve, people) -> None:
    visitor = people(serve(), "visitor")
    visitor.open("/login")
    keyboard = visitor.page.keyboard
    keyboard.press("Tab")
    focused = visitor.page.locator(":focus")
    assert focused.inner_text() == "Skip to content"
    assert focused.is_visible()
    keyboard.press("Enter")
    keyboard.press("Tab")
    assert focused.get_attribute("name") == "username"  # the first stop inside the content
    keyboard.type(PEOPLE["advisor"])
    keyboard.press("Tab")
    keyboard.type("correct horse")
    with visitor.page.expect_navigation() as navigation:
        keyboard.press("Enter")
    visitor.check(navigation.value)
    assert visitor.path == "/"
    assert "Welcome, Amara Davis" in visitor.text()

    for _ in range(30):  # Tab through the menu to the sign-out button
        keyboard.press("Tab")
        if focused.inner_text() == "Sign out":
            break
    with visitor.page.expect_navigation() as navigation:
        keyboard.press("Enter")
    visitor.check(navigation.value)
    assert visitor.path == "/login"
    assert "You are signed out." in visitor.flash()


def test_an_idle_session_sends_you_to_sign_in_and_back(serve, people) -> None:
    student = people(serve(SESSION_IDLE_MINUTES=2 / 60), "student")  # two idle seconds
    student.sign_in(PEOPLE["student"])
    time.sleep(3.2)  # the session counts whole seconds
    student.follow("My plans")
    assert student.path == "/login"
    assert student.flash() == "Your session expired. Please sign in again."
    student.sign_in(PEOPLE["student"])
    assert student.path == "/plans/"  # back where they were going
