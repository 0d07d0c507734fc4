"""Every write of the app refuses a form without its session's token, and changes nothing.

For each state-changing route of the URL map (public ones included: signing
in, verifying a record, a supervisor's answers), someone ``RULES`` lets in
posts a filled-in form twice: once with no token, once with the token of
another person's session. Both must get the "Form expired" page (400) and
leave every row of every table as it was. The form is filled in with the
fields the app's forms ask for, so about a third of these posts would change
something if the token check let them through (a record issued or revoked, a
plan deleted or withdrawn, an hour entry or a deliverable added, a signed-in
session started or ended, ...); ``test_the_snapshot_sees_a_write`` shows that
the comparison notices such a change.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from werkzeug.routing import Rule as UrlRule

from careercredit import clock
from careercredit.demo.directory import CampusDirectory
from careercredit.extensions import db
from careercredit.models import CreditPlan
from tests.conftest import PASSWORD
from tests.factories import OBJECTIVES
from tests.routes_fixtures import (
    ADMIN,
    ADVISOR,
    ANONYMOUS,
    CSRF_PAGE,
    OTHER_FACULTY,
    OTHER_STUDENT,
    REGISTRAR,
    SPONSOR,
    STUDENT,
    Site,
    changed_tables,
    methods_of,
    open_site,
    snapshot,
    url_rules,
)
from tests.test_routes_access import RULES, Rule

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NO_TOKEN = "no token"
STOLEN = "token of another session"
#: Who posts, among those a rule lets in: the plan's own people first.
PREFERENCE = (STUDENT, SPONSOR, ADVISOR, REGISTRAR, ADMIN, OTHER_STUDENT, OTHER_FACULTY)


def poster(rule: Rule) -> str:
    """The person who sends the form: anonymous on public pages, else someone let in."""
    if rule.signs_out:
        return STUDENT
    if ANONYMOUS in rule.post:
        return ANONYMOUS
    return next(person for person in PREFERENCE if person in rule.post)


def _cases() -> Iterator[object]:
    for url_rule in url_rules():
        if url_rule.endpoint not in RULES:
            continue  # tests/test_routes_access.py fails for it
        for method in methods_of(url_rule):
            if method in WRITES:
                for kind in (NO_TOKEN, STOLEN):
                    yield pytest.param(
                        url_rule, method, kind, id=f"{method} {url_rule.endpoint} {kind}"
                    )


CASES = list(_cases())


@pytest.fixture(scope="module")
def site(
    migrated_database: str, campus: CampusDirectory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from open_site(migrated_database, campus, tmp_path_factory)


def filled_form(site: Site, url_rule: UrlRule) -> dict[str, str]:
    """A form that most of the app's forms would accept, token aside."""
    ids = site.ids
    version = "1"
    if "plan_id" in url_rule.arguments:
        plan_id = ids[RULES[url_rule.endpoint].args.get("plan_id", "plan")]
        with site.app.app_context():
            version = str(db.session.get(CreditPlan, plan_id).version)
    return {
        "version": version,
        "back-version": version,
        "comment": "Please add the final report.",
        "back-comment": "Please add the final report.",
        "comments": "Careful, punctual work.",
        "reflection": "I learned to run interviews and to write for a client. " * 5,
        "credits": "1",
        "grade": "S",
        "award_max": "y",
        "plan_ids": str(ids["plan"]),
        "rows-0-plan_id": str(ids["plan"]),
        "rows-0-version": version,
        "rows-0-credits": "1",
        "reason": "Issued in error.",
        "confirm": "y",
        "purpose": "hours",
        "agree": "y",
        "action": "verify_all",
        "scope": "all",
        "latest": str(ids["document"]),
        "direction": "down",
        "uid": "ochen",
        "project_id": str(ids["project"]),
        "term_id": str(ids["term"]),
        "term": str(ids["term"]),
        "credits_requested": "2",
        "objectives": OBJECTIVES,
        "title": "Final report",
        "description": "Field work and the written report.",
        "link": "https://example.org/report",
        "work_date": str(clock.today()),
        "hours": "1",
        "username": "alice",
        "password": PASSWORD,
        "next": "/",
        "name": "Renamed by a forged form",
        "label": "Renamed by a forged form",
        "email": "forged@example.org",
    }


@pytest.mark.parametrize(("url_rule", "method", "kind"), CASES)
def test_a_write_without_its_token_is_refused(
    site: Site, url_rule: UrlRule, method: str, kind: str
) -> None:
    rule = RULES[url_rule.endpoint]
    person = poster(rule)
    browser = site.browser(person)
    assert browser.token  # the session has a token of its own, just not in this form
    data = filled_form(site, url_rule)
    if kind == STOLEN:
        thief = OTHER_STUDENT if person != OTHER_STUDENT else STUDENT
        data["csrf_token"] = site.browser(thief).token
    url = site.url(url_rule, person, rule.args)
    before = snapshot(site.app)
    response = browser.client.open(url, method=method, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400, body[:500]
    assert CSRF_PAGE in body
    assert changed_tables(before, snapshot(site.app)) == []


def test_every_write_is_tried() -> None:
    writes = {
        (rule.endpoint, method)
        for rule in url_rules()
        for method in methods_of(rule)
        if method in WRITES
    }
    assert len(CASES) == 2 * len(writes)


def test_the_snapshot_sees_a_write(site: Site) -> None:
    """The check above is not blind: the same form with its own token changes a row."""
    url_rule = next(rule for rule in url_rules() if rule.endpoint == "outbox.retry")
    admin = site.browser(ADMIN)
    before = snapshot(site.app)
    data = {**filled_form(site, url_rule), "csrf_token": admin.token}
    response = admin.client.post(site.url(url_rule, ADMIN, {}), data=data)
    assert response.status_code == 302
    assert changed_tables(before, snapshot(site.app)) == ["audit_event", "outbox_message"]
