"""Who reaches what: every route of the app, for everyone, from one rules table.

``RULES`` says, for each endpoint of the URL map, who is let in. Everyone else
gets the answer the access rules give (docs/architecture.md): anonymous visitors are sent
to sign in, signed-in people get 404 — for forbidden objects and role-gated
pages alike, so ids and pages cannot be probed. Public pages are open to all.

"Let in" means: not 404, not sent to sign in, no server error; a POST carries a
valid form token and no other data, so 400, 409, 422 or a redirect back to the
page are fine — what matters is that the door opened. The people are those of
tests/routes_fixtures.py; ``OTHER_LINK`` is someone holding the supervisor link
of another placement (José's), tried on every ``/s/<token>`` page.

An endpoint missing from ``RULES`` fails ``test_every_route_has_a_rule``, so a
new route cannot slip in unchecked; a rule for a route that is gone fails too.
The cases run in an order that keeps the shared objects usable: refusals
first, then pages, then writes, then signing out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pytest
from werkzeug.routing import Rule as UrlRule
from werkzeug.test import TestResponse

from careercredit.demo.directory import CampusDirectory
from tests.routes_fixtures import (
    ADMIN,
    ADVISOR,
    ANONYMOUS,
    CSRF_PAGE,
    OTHER_FACULTY,
    OTHER_LINK,
    OTHER_NAME,
    OTHER_STUDENT,
    OWNER_NAME,
    REGISTRAR,
    SIGNED_IN,
    SPONSOR,
    STUDENT,
    Site,
    methods_of,
    open_site,
    url_rules,
)

ALLOWED = "allowed"
LOGIN = "sent to sign in"
NOT_FOUND = 404
SIGNED_OUT = "signed out"


@dataclass(frozen=True)
class Rule:
    """Who is let in to one endpoint; ``post`` differs from ``get`` where the view says so."""

    get: frozenset[str]
    post: frozenset[str]
    #: URL argument → the name of the object in ``Site.ids``, where the default won't do.
    args: Mapping[str, str] = field(default_factory=dict)
    #: Signing out: everyone is let in, and everyone lands on the sign-in page.
    signs_out: bool = False
    #: Known bugs: (method, person) → what is wrong; the case is a strict xfail.
    bugs: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def allows(self, method: str, person: str) -> bool:
        return person in (self.get if method == "GET" else self.post)


def only(
    *people: str,
    post: tuple[str, ...] | None = None,
    bugs: Mapping[tuple[str, str], str] | None = None,
    **args: str,
) -> Rule:
    """Signed-in ``people`` get in (``post``: others for POST); ``args`` name URL objects."""
    return Rule(
        frozenset(people), frozenset(people if post is None else post), args, bugs=bugs or {}
    )


def public(*, signs_out: bool = False, **args: str) -> Rule:
    """Everyone gets in, anonymous visitors too."""
    everyone = frozenset((ANONYMOUS, *SIGNED_IN))
    return Rule(everyone, everyone, args, signs_out=signs_out)


def link(*, other_link: bool, **args: str) -> Rule:
    """A supervisor's page: whoever holds the link gets in; ``other_link``: José's link too.

    With José's link the page must show José's placement, never Alice's.
    """
    everyone = frozenset((ANONYMOUS, *SIGNED_IN, *((OTHER_LINK,) if other_link else ())))
    return Rule(everyone, everyone, args)


STUDENTS = (STUDENT, OTHER_STUDENT)
FACULTY = (SPONSOR, OTHER_FACULTY)
#: ``CreditPlan.can_view``: the student, the sponsor and staff.
PLAN_VIEWERS = (STUDENT, SPONSOR, ADVISOR, REGISTRAR, ADMIN)
CATALOGUE = (ADVISOR, ADMIN)
LINK_MANAGERS = (STUDENT, ADVISOR)

RULES: dict[str, Rule] = {
    "auth.login": public(),
    "auth.logout": public(signs_out=True),
    "main.dashboard": only(*SIGNED_IN),
    "main.healthz": public(),
    # -- plans --
    "plans.index": only(*STUDENTS),
    "plans.new": only(*STUDENTS),
    "plans.all": only(ADVISOR, REGISTRAR, ADMIN, *FACULTY),
    "plans.queue": only(ADVISOR),
    "plans.queue_csv": only(ADVISOR),
    "plans.bulk_confirm": only(ADVISOR),
    "plans.bulk": only(ADVISOR),
    "plans.index_csv": only(*STUDENTS),
    "plans.all_csv": only(ADVISOR, REGISTRAR, ADMIN, *FACULTY),
    "plans.show": only(*PLAN_VIEWERS),
    "plans.edit": only(*PLAN_VIEWERS),  # not editable now: back to the plan page
    "plans.choose_sponsor": only(*PLAN_VIEWERS),
    "plans.add_placement": only(*PLAN_VIEWERS),
    "plans.remove_placement": only(*PLAN_VIEWERS),
    "plans.submit": only(*PLAN_VIEWERS),
    "plans.recall": only(*PLAN_VIEWERS),
    "plans.complete": only(*PLAN_VIEWERS),
    "plans.withdraw": only(STUDENT, post=PLAN_VIEWERS),
    "plans.delete": only(STUDENT, plan_id="draft_plan"),
    "plans.approve": only(*PLAN_VIEWERS),
    "plans.request_changes": only(*PLAN_VIEWERS),
    "plans.reject": only(*PLAN_VIEWERS),
    # -- hours, deliverables, supervisors --
    "hours.new": only(STUDENT),
    "hours.week": only(STUDENT),
    "hours.edit": only(STUDENT),
    "hours.delete": only(STUDENT),
    "deliverables.new": only(STUDENT),
    "deliverables.revise": only(STUDENT),
    "deliverables.download": only(*PLAN_VIEWERS),
    "supervisors.download_deliverable": link(other_link=False),
    "supervisors.review_deliverable": link(other_link=False),
    "supervisors.send": only(*LINK_MANAGERS),
    "supervisors.consent": only(STUDENT),
    "supervisors.revoke": only(*LINK_MANAGERS, link_id="spare_link"),
    "supervisors.disclosures": only(STUDENT, ADVISOR, REGISTRAR, ADMIN),
    "supervisors.open_link": link(other_link=True),
    "supervisors.answer_hours": link(other_link=True),
    "supervisors.submit_evaluation": link(other_link=True, token="final_token"),
    "reminders.overdue": only(ADVISOR),
    # -- notices and assignment --
    "notices.index": only(*SIGNED_IN),
    "notices.mark_all_read": only(*SIGNED_IN),
    "notices.preferences": only(*SIGNED_IN),
    "notices.reassign": only(ADVISOR),
    "notices.rules": only(ADVISOR),
    "notices.remove_rule": only(ADVISOR),
    "reminders.resend_link": only(ADVISOR, link_id="spare_link"),
    # -- sign-off --
    "signoff.queue": only(*FACULTY),
    "signoff.queue_csv": only(*FACULTY),
    "signoff.late": only(ADVISOR),
    "signoff.review": only(SPONSOR),
    "signoff.send_back": only(SPONSOR),
    "signoff.bulk_confirm": only(*FACULTY),
    "signoff.bulk": only(*FACULTY),
    # -- catalogue --
    # Students are sent on to their own view of the catalogue (a redirect: let in).
    "catalogue.projects": only(*STUDENTS, *CATALOGUE),
    "catalogue.project": only(*STUDENTS, *CATALOGUE),
    "catalogue.browse": only(*STUDENTS),
    "catalogue.browse_project": only(*STUDENTS),
    "catalogue.add_to_plan": only(*STUDENTS),
    "catalogue.new_project": only(*CATALOGUE),
    "catalogue.edit_project": only(*CATALOGUE),
    "catalogue.project_options": only(*STUDENTS, *CATALOGUE),
    "catalogue.employers": only(*CATALOGUE),
    "catalogue.employer": only(*CATALOGUE),
    "catalogue.new_employer": only(*CATALOGUE),
    "catalogue.edit_employer": only(*CATALOGUE),
    "catalogue.supervisors": only(*CATALOGUE),
    "catalogue.supervisor": only(*CATALOGUE),
    "catalogue.new_supervisor": only(*CATALOGUE),
    "catalogue.edit_supervisor": only(*CATALOGUE),
    "catalogue.import_projects": only(*CATALOGUE),
    "catalogue.confirm_import": only(*CATALOGUE),
    # -- administration --
    "terms.index": only(ADMIN),
    "terms.create": only(ADMIN),
    "terms.edit": only(ADMIN),
    "terms.delete": only(ADMIN),  # the term has plans: deleting it is refused
    "courses.index": only(ADMIN),
    "courses.create": only(ADMIN),
    "courses.edit": only(ADMIN),
    "courses.import_courses": only(ADMIN),
    "courses.confirm_import": only(ADMIN),
    "courses.sections": only(ADMIN),
    "courses.create_section": only(ADMIN),
    "courses.edit_section": only(ADMIN),
    "evaluations.rubric": only(ADMIN),
    "evaluations.create": only(ADMIN),
    "evaluations.edit": only(ADMIN),
    "evaluations.deactivate": only(ADMIN),
    "evaluations.reactivate": only(ADMIN),
    "evaluations.move": only(ADMIN),
    "outbox.index": only(ADMIN),
    "outbox.retry": only(ADMIN),
    "outbox.dev": public(),  # DEV_OUTBOX is on in testing only
    # -- registrar --
    "registrar.index": only(REGISTRAR),
    "registrar.roster": only(REGISTRAR),
    "registrar.roster_csv": only(REGISTRAR),
    "registrar.create_export": only(REGISTRAR),
    "registrar.export": only(REGISTRAR),
    "registrar.download": only(REGISTRAR),
    "registrar.post": only(REGISTRAR),
    "registrar.reject": only(REGISTRAR),
    "registrar.report": only(REGISTRAR),
    "registrar.amend": only(REGISTRAR, plan_id="posted_plan"),
    "registrar.audit_log": only(REGISTRAR, ADMIN),
    "registrar.audit_log_csv": only(REGISTRAR, ADMIN),
    "reports.index": only(ADVISOR, REGISTRAR, ADMIN),
    "reports.chart_csv": only(ADVISOR, REGISTRAR, ADMIN),
    "reports.term_pdf": only(ADVISOR, REGISTRAR, ADMIN),
    # -- records --
    "records.mine": only(*STUDENTS),
    "records.unofficial": only(*STUDENTS),
    "records.ask": only(*STUDENTS),
    "records.cancel": only(STUDENT),
    "records.index": only(REGISTRAR),
    "records.documents_csv": only(REGISTRAR),
    "records.students": only(REGISTRAR),
    "records.approve": only(REGISTRAR),
    "records.decline": only(REGISTRAR),
    "records.student": only(REGISTRAR),
    "records.issue": only(REGISTRAR),
    "records.document": only(STUDENT, REGISTRAR),
    "records.download": only(STUDENT, REGISTRAR),
    "records.revoke": only(REGISTRAR),
    "records.reissue": only(REGISTRAR),  # the record still matches: refused (422)
    "record_exports.index": only(REGISTRAR),
    "record_exports.start": only(REGISTRAR),
    "record_exports.show": only(REGISTRAR, export_id="record_export"),
    "record_exports.progress": only(REGISTRAR, export_id="record_export"),
    "record_exports.resume": only(REGISTRAR, export_id="record_export"),
    "record_exports.download": only(REGISTRAR, export_id="record_export"),
    # -- verification of issued records --
    "verify.index": public(),
    "verify.show": public(),
    "verify.check": public(),
    # -- digital credentials: the student's own; the issuer's DID and status list are public --
    "badges.did_json": public(),
    "badges.status_list": public(),
    "badges.shared": public(),
    "badges.mine": only(*STUDENTS),
    "badges.download": only(STUDENT),
    "badges.badge_png": only(STUDENT),
    "badges.learner_record": only(*STUDENTS),  # José has none: sent back to his page
    "badges.share": only(STUDENT),
    "badges.scores": only(STUDENT),
    "badges.student": only(REGISTRAR),
    "badges.revoke": only(REGISTRAR),  # an empty form: refused (422), nothing revoked
}


# -- the cases ----------------------------------------------------------------------


def people_for(rule: UrlRule) -> tuple[str, ...]:
    """Everyone tried on ``rule``: José's link only where the URL carries a link."""
    extra = (OTHER_LINK,) if "token" in rule.arguments else ()
    return (ANONYMOUS, *SIGNED_IN, *extra)


def expected(rule: Rule, method: str, person: str) -> object:
    """The answer ``person`` must get."""
    if rule.signs_out:
        return SIGNED_OUT
    if rule.allows(method, person):
        return ALLOWED
    return LOGIN if person == ANONYMOUS else NOT_FOUND


def _phase(method: str, answer: object) -> int:
    """Refusals first, then pages, then writes, then signing out."""
    if answer == SIGNED_OUT:
        return 3
    if answer != ALLOWED:
        return 0
    return 1 if method == "GET" else 2


def _cases() -> Iterator[tuple[int, object]]:
    for url_rule in url_rules():
        rule = RULES.get(url_rule.endpoint)
        if rule is None:
            continue  # test_every_route_has_a_rule says so
        for method in methods_of(url_rule):
            for person in people_for(url_rule):
                answer = expected(rule, method, person)
                bug = rule.bugs.get((method, person))
                marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
                yield (
                    _phase(method, answer),
                    pytest.param(
                        url_rule,
                        method,
                        person,
                        answer,
                        id=f"{method} {url_rule.endpoint} {person}",
                        marks=marks,
                    ),
                )


CASES = [case for _, case in sorted(_cases(), key=lambda pair: pair[0])]


@pytest.fixture(scope="module")
def site(
    migrated_database: str, campus: CampusDirectory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from open_site(migrated_database, campus, tmp_path_factory)


# -- the checks ---------------------------------------------------------------------


def _sent_to_sign_in(response: TestResponse) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def text(response: TestResponse) -> str:
    """The body as text, whatever it is (files and PDFs included)."""
    return response.get_data().decode("utf-8", errors="replace")


def check_answer(response: TestResponse, body: str, answer: object, method: str) -> None:
    """Compare a response (and its ``body``, read) with the expected answer."""
    status = response.status_code
    if answer == LOGIN:
        assert _sent_to_sign_in(response), f"{status}, not sent to sign in"
    elif answer == NOT_FOUND:
        assert status == 404, f"{status} instead of 404: {body[:300]}"
    elif answer == SIGNED_OUT:
        assert _sent_to_sign_in(response), f"{status}, not sent to sign in"
    else:
        assert status < 500, f"server error {status}"
        assert status != 404, "404 for someone the rules let in"
        assert not _sent_to_sign_in(response), "sent to sign in though signed in"
        if method != "GET":
            assert not (status == 400 and CSRF_PAGE in body), "the form token was refused"


@pytest.mark.parametrize(("url_rule", "method", "person", "answer"), CASES)
def test_access(site: Site, url_rule: UrlRule, method: str, person: str, answer: object) -> None:
    rule = RULES[url_rule.endpoint]
    url = site.url(url_rule, person, rule.args)
    browser = site.browser(person)
    if method == "GET":
        response = browser.client.get(url)
    else:
        response = browser.client.open(url, method=method, data={"csrf_token": browser.token})
    body = text(response)
    response.close()  # downloads are streamed from open files
    check_answer(response, body, answer, method)
    if person == OTHER_LINK and answer == ALLOWED:
        # José's supervisor sees José's placement through José's link, never Alice's.
        assert OWNER_NAME not in body
        assert response.status_code == 302 or OTHER_NAME in body
    if answer == SIGNED_OUT and browser.uid:
        assert _sent_to_sign_in(browser.client.get("/")), "still signed in"
        browser.sign_in()  # the other cases go on with this browser


def test_every_route_has_a_rule() -> None:
    endpoints = {rule.endpoint for rule in url_rules()}
    assert sorted(endpoints - RULES.keys()) == [], "routes missing from RULES"


def test_every_rule_has_a_route() -> None:
    routes = {rule.endpoint: rule for rule in url_rules()}
    assert sorted(RULES.keys() - routes.keys()) == [], "rules for routes that no longer exist"
    unknown_args = {
        endpoint: sorted(set(rule.args) - routes[endpoint].arguments)
        for endpoint, rule in RULES.items()
        if endpoint in routes and set(rule.args) - routes[endpoint].arguments
    }
    assert unknown_args == {}, "rules naming URL arguments their route does not have"


def test_the_cases_cover_every_route_and_person() -> None:
    pairs = sum(len(methods_of(rule)) * len(people_for(rule)) for rule in url_rules())
    assert len(CASES) == pairs
