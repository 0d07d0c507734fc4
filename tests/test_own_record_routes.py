"""Nobody acts on their own record: every write of the URL map, tried on one's own objects.

Kai Morgan is a student who holds every staff role as well (advisor, faculty,
registrar, admin), signed in through the test campus directory. She owns a
world of her own beside Alice's (tests/routes_fixtures.py): plans in every
state a decision needs, a placement with hours, links, an evaluation and a
deliverable, a posted plan, a grade roll holding her signed-off plan, an
issued record and a waiting request.

``OWN`` answers, for every endpoint that takes a POST, what happens when Kai
sends it about her own things:

* ``REFUSED``: a staff action on her own record. The page says so (403 or
  422, with the message), and no row of any table changed.
* ``STUDENT``: what any student does on her own record (log hours, ask for a
  record); it stays open to her.
* ``NO_RECORD``: the route does not act on a student's record (terms, the
  rubric, the public verification page).

An endpoint missing from ``OWN`` fails ``test_every_write_has_an_own_record_answer``,
so a new write cannot slip in without saying how separation of duties applies.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule as UrlRule

from careercredit.demo.directory import CampusDirectory
from careercredit.extensions import db
from careercredit.models import CreditPlan, PlanState, SignOff, Term, User
from careercredit.records.services import issue_record, request_record
from careercredit.registrar.services import create_export
from tests.conftest import user_id
from tests.factories import Factory
from tests.routes_fixtures import (
    CSRF_PAGE,
    DEFAULT_ARGS,
    Browser,
    Site,
    _supervision,
    changed_tables,
    methods_of,
    open_site,
    shared_credential,
    snapshot,
    url_rules,
)

REFUSED = "refused: own record"
SIGNS_OUT = "signs out"
STUDENT = "allowed: the student's own action"
NO_RECORD = "allowed: no student record involved"

#: Kai Morgan: student, advisor, faculty, registrar and admin at once.
SELF_UID = "kmorgan"
#: What every refusal of a staff action on one's own record says.
OWN_RECORD_MESSAGES = ("your own record", "you sponsor this plan")

#: A form's fields; a callable gets the site's ids (for versions read at request time).
Data = Mapping[str, Any] | Callable[[Flask, dict[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class Own:
    """What Kai's POST to one endpoint about her own things must get."""

    answer: str
    #: URL argument → the name of Kai's object in the ids (defaults: ``OWN_ARGS``).
    args: Mapping[str, str] = field(default_factory=dict)
    #: The form a person would send: enough that only separation of duties stands in the way.
    data: Data = field(default_factory=dict)


def _version(name: str) -> Callable[[Flask, dict[str, Any]], int]:
    def read(app: Flask, ids: dict[str, Any]) -> int:
        with app.app_context():
            plan = db.session.get(CreditPlan, ids[name])
            assert plan is not None
            return plan.version

    return read


def _form(**fields: Any) -> Callable[[Flask, dict[str, Any]], Mapping[str, Any]]:
    """A form whose callable values are read when it is sent."""

    def build(app: Flask, ids: dict[str, Any]) -> Mapping[str, Any]:
        return {k: (v(app, ids) if callable(v) else v) for k, v in fields.items()}

    return build


def refused(data: Data | None = None, **args: str) -> Own:
    return Own(REFUSED, args, data or {})


#: URL argument → Kai's object it names unless a row says otherwise: the site's names,
#: but the spare link (hers to revoke) and Kai herself.
OWN_ARGS = {**DEFAULT_ARGS, "link_id": "spare_link", "user_id": "self"}

#: The SIS's error report (generic profile) naming Kai's row.
SIS_REPORT = b"student_id,reason\r\n900000013,Unknown student.\r\n"

DECISION = _form(version=_version("submitted_plan"), credits="1", comment="Looks fine to me.")
SIGN_OFF = _form(version=_version("sponsored_plan"), grade="S", credits="0", comment="Done.")

OWN: dict[str, Own] = {
    "auth.login": Own(NO_RECORD),
    "auth.logout": Own(SIGNS_OUT),
    # -- plans: the student's own actions stay hers; deciding is another advisor's --
    "plans.new": Own(STUDENT),
    "plans.edit": Own(STUDENT, {"plan_id": "draft_plan"}),
    "plans.choose_sponsor": Own(STUDENT, {"plan_id": "draft_plan"}),
    "plans.add_placement": Own(STUDENT, {"plan_id": "draft_plan"}),
    "plans.remove_placement": Own(STUDENT, {"plan_id": "draft_plan"}),
    "plans.submit": Own(STUDENT, {"plan_id": "draft_plan"}),
    "plans.recall": Own(STUDENT, {"plan_id": "draft_plan"}),
    "plans.complete": Own(STUDENT),
    "plans.withdraw": Own(STUDENT, {"plan_id": "draft_plan"}),
    "plans.delete": Own(STUDENT, {"plan_id": "draft_plan"}),
    "plans.approve": refused(DECISION, plan_id="submitted_plan"),
    "plans.request_changes": refused(DECISION, plan_id="submitted_plan"),
    "plans.reject": refused(DECISION, plan_id="submitted_plan"),
    "plans.bulk_confirm": Own(NO_RECORD),  # a confirmation page: nothing changes yet
    "plans.bulk": refused(
        _form(
            **{
                "rows-0-plan_id": lambda app, ids: ids["submitted_plan"],
                "rows-0-version": _version("submitted_plan"),
                "decision": "approve",
            }
        )
    ),
    # -- hours, deliverables, links: hers as the student --
    "hours.new": Own(STUDENT),
    "hours.week": Own(STUDENT),
    "hours.edit": Own(STUDENT),
    "hours.delete": Own(STUDENT),
    "deliverables.new": Own(STUDENT),
    "deliverables.revise": Own(STUDENT),
    "supervisors.send": Own(STUDENT),
    "supervisors.consent": Own(STUDENT),
    "supervisors.revoke": Own(STUDENT),
    "supervisors.answer_hours": Own(NO_RECORD),  # the supervisor's link, not a staff role
    "supervisors.submit_evaluation": Own(NO_RECORD, {"token": "final_token"}),
    "supervisors.review_deliverable": Own(NO_RECORD),
    "reminders.resend_link": refused(),
    # -- notices: her own page and choice; another advisor looks after her plan --
    "notices.mark_all_read": Own(NO_RECORD),
    "notices.preferences": Own(NO_RECORD),
    "notices.rules": Own(NO_RECORD),  # a department's rule; her own plan still goes elsewhere
    "notices.remove_rule": Own(NO_RECORD),
    "notices.reassign": refused(
        _form(advisor=lambda app, ids: user_id(app, "adavis") or ""), plan_id="submitted_plan"
    ),
    # -- sign-off: a sponsor never signs off her own plan --
    "signoff.review": refused(SIGN_OFF, plan_id="sponsored_plan"),
    "signoff.send_back": refused(
        _form(
            **{
                "back-version": _version("sponsored_plan"),
                "back-comment": "Ask for the final evaluation.",
            }
        ),
        plan_id="sponsored_plan",
    ),
    "signoff.bulk_confirm": Own(NO_RECORD),  # a confirmation page: nothing changes yet
    "signoff.bulk": refused(
        _form(
            **{
                "rows-0-plan_id": lambda app, ids: ids["sponsored_plan"],
                "rows-0-version": _version("sponsored_plan"),
                "rows-0-credits": "0",
                "grade": "U",
            }
        )
    ),
    # -- the catalogue: the supervisor of a project she works on is not hers to change --
    "catalogue.new_project": Own(NO_RECORD),
    "catalogue.add_to_plan": Own(
        STUDENT, data=_form(plan_id=lambda app, ids: ids["draft_plan"])
    ),  # a student's own plan, whatever staff roles she holds
    "catalogue.edit_project": refused(
        _form(
            title="Her own project",
            description="A short project.",
            deliverables="A report.",
            estimated_hours="45",
            employer_id=lambda app, ids: ids["employer"],
            supervisor_id=lambda app, ids: ids["other_supervisor"],
            status="open",
            starts_on="2026-01-05",
            ends_on="2026-05-01",
        )
    ),
    "catalogue.new_employer": Own(NO_RECORD),
    "catalogue.edit_employer": Own(NO_RECORD),
    "catalogue.new_supervisor": Own(NO_RECORD),
    "catalogue.edit_supervisor": refused(
        _form(
            name="Her supervisor",
            email="kmorgan@university.example",
            employer_id=lambda app, ids: ids["employer"],
        )
    ),
    "catalogue.import_projects": Own(NO_RECORD),
    "catalogue.confirm_import": Own(NO_RECORD),
    # -- administration --
    "terms.create": Own(NO_RECORD),
    "courses.create": Own(NO_RECORD),
    "courses.edit": Own(NO_RECORD),
    "courses.import_courses": Own(NO_RECORD),
    "courses.confirm_import": Own(NO_RECORD),
    "courses.create_section": Own(NO_RECORD),
    "courses.edit_section": Own(NO_RECORD),
    "terms.edit": Own(NO_RECORD),
    "terms.delete": Own(NO_RECORD),
    "evaluations.create": Own(NO_RECORD),
    "evaluations.edit": Own(NO_RECORD),
    "evaluations.deactivate": Own(NO_RECORD),
    "evaluations.reactivate": Own(NO_RECORD),
    "evaluations.move": Own(NO_RECORD),
    "outbox.retry": Own(NO_RECORD),
    # -- the registrar: no posting, amending or certifying of one's own credit --
    "registrar.create_export": Own(NO_RECORD),  # the grade roll only reads
    "registrar.post": refused({"scope": "all", "sis_took": "y"}),
    "registrar.reject": refused(
        _form(reason="Unknown student.", plan_id=lambda app, ids: [str(ids["signed_off_plan"])])
    ),
    "registrar.report": refused(
        _form(
            report=lambda app, ids: (io.BytesIO(b"student_id,reason\r\n900000013,x\r\n"), "r.csv")
        )
    ),
    "registrar.amend": refused(
        _form(
            version=_version("posted_plan"),
            grade="S",
            credits="12",
            reason="Committee decision.",
        ),
        plan_id="posted_plan",
    ),
    # -- records: she asks like any student; another registrar decides and issues --
    "records.ask": Own(STUDENT),
    "records.cancel": Own(STUDENT),
    "records.approve": refused(),
    "records.decline": refused({"reason": "Not eligible.", "confirm": "y"}),
    "records.issue": refused(_form(latest=lambda app, ids: str(ids["document"]), confirm="y")),
    "records.revoke": refused({"reason": "Issued in error.", "confirm": "y"}),
    "records.reissue": refused({"confirm": "y"}),
    "record_exports.start": Own(NO_RECORD),
    "record_exports.resume": Own(NO_RECORD, {"export_id": "record_export"}),
    # -- digital credentials: she shares her own; another registrar revokes it --
    "badges.share": Own(STUDENT),
    "badges.scores": Own(STUDENT),
    "badges.revoke": refused({"reason": "Issued in error.", "confirm": "y"}),
    # -- anyone --
    "verify.check": Own(NO_RECORD),
}


def _writes() -> list[UrlRule]:
    return [rule for rule in url_rules() if "POST" in methods_of(rule)]


def _cases() -> list[Any]:
    """Refusals first (they change nothing), then the writes that stay open, signing out last."""
    order = {REFUSED: 0, SIGNS_OUT: 2}
    rules = [rule for rule in _writes() if rule.endpoint in OWN]
    ordered = sorted(rules, key=lambda rule: order.get(OWN[rule.endpoint].answer, 1))
    return [pytest.param(rule, id=rule.endpoint) for rule in ordered]


# -- Kai's world ------------------------------------------------------------------------


def build_own_objects(app: Flask, make: Factory, site_ids: dict[str, Any]) -> dict[str, Any]:
    """Kai's own objects, one of each kind a write names, in the site's term."""
    kai, fkim, rlopez = (user_id(app, uid) for uid in (SELF_UID, "fkim", "rlopez"))
    term = site_ids["term"]
    ids: dict[str, Any] = {"self": kai, "term": term, "criterion": site_ids["criterion"]}
    for shared in ("message", "record_export", "course", "section"):
        ids[shared] = site_ids[shared]
    ids["employer"] = make.employer("Kai's employer")
    ids["supervisor"] = make.supervisor(ids["employer"])
    ids["other_supervisor"] = make.supervisor(ids["employer"])
    ids["project"] = make.project(ids["employer"], supervisor_id=ids["supervisor"])
    plan_args = {"term_id": term, "sponsor_id": fkim}
    ids["plan"] = make.plan(kai, PlanState.in_progress, project_ids=[ids["project"]], **plan_args)
    ids["draft_plan"] = make.plan(kai, **plan_args)
    ids["submitted_plan"] = make.plan(kai, PlanState.submitted, **plan_args)
    # A faculty member who is also the student: the plan names her as its sponsor.
    ids["sponsored_plan"] = make.plan(kai, PlanState.awaiting_signoff, term_id=term, sponsor_id=kai)
    ids["posted_plan"] = make.posted_plan(kai, registrar_id=rlopez, **plan_args)
    signed_off = ids["signed_off_plan"] = make.plan(kai, PlanState.signed_off, **plan_args)
    with app.test_request_context():
        db.session.add(SignOff(plan_id=signed_off, grade="S", credits_awarded=1, signed_by_id=fkim))
        ids.update(_supervision(ids["plan"], by=kai))
        student, registrar = db.session.get(User, kai), db.session.get(User, rlopez)
        term_row = db.session.get(Term, term)
        assert student is not None
        assert registrar is not None
        assert term_row is not None
        ids["grade_export"] = create_export(term_row, registrar).export.id
        document = issue_record(student, by=registrar)
        ids["document"], ids["code"] = document.id, document.code
        ids["request"] = request_record(student, "Graduate school").id
        ids.update(shared_credential(ids["posted_plan"]))
        db.session.commit()
    return ids


@dataclass
class OwnSite:
    """The route site, Kai signed in, and her objects by name."""

    site: Site
    browser: Browser
    ids: dict[str, Any]

    def url(self, rule: UrlRule) -> str:
        args = OWN[rule.endpoint].args
        values = {name: self.ids[args.get(name, OWN_ARGS[name])] for name in rule.arguments}
        built = rule.build(values, append_unknown=False)
        assert built is not None, rule.rule
        return built[1]

    def data(self, rule: UrlRule) -> dict[str, Any]:
        data = OWN[rule.endpoint].data
        fields = data(self.site.app, self.ids) if callable(data) else data
        return {**fields, "csrf_token": self.browser.token}


@pytest.fixture(scope="module")
def own(
    migrated_database: str, campus: CampusDirectory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OwnSite]:
    for site in open_site(migrated_database, campus, tmp_path_factory):
        browser = Browser(site.app.test_client(), SELF_UID)
        browser.sign_in()
        ids = build_own_objects(site.app, Factory(site.app), site.ids)
        yield OwnSite(site, browser, ids)


# -- the checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("url_rule", _cases())
def test_own_record(own: OwnSite, url_rule: UrlRule) -> None:
    expected = OWN[url_rule.endpoint]
    app = own.site.app
    before = snapshot(app) if expected.answer == REFUSED else None
    response = own.browser.client.post(own.url(url_rule), data=own.data(url_rule))
    body = response.get_data().decode("utf-8", errors="replace")
    response.close()
    status = response.status_code
    assert status < 500, f"server error {status}"
    assert not (status == 400 and CSRF_PAGE in body), "the form token was refused"
    if expected.answer == REFUSED:
        assert status in {403, 422}, f"{status}: {body[:400]}"
        assert any(message in body.lower() for message in OWN_RECORD_MESSAGES), body[:2000]
        assert changed_tables(before or {}, snapshot(app)) == []
    elif expected.answer == SIGNS_OUT:
        assert status == 302
        assert response.headers["Location"].startswith("/login")
        own.browser.sign_in()
    else:
        assert status != 404, "404 for a person acting on her own things"
        assert not (status == 302 and response.headers["Location"].startswith("/login"))
        assert status != 403, body[:400]


def test_every_write_has_an_own_record_answer() -> None:
    endpoints = {rule.endpoint for rule in _writes()}
    assert sorted(endpoints - OWN.keys()) == [], "writes missing from OWN"
    assert sorted(OWN.keys() - endpoints) == [], "answers for writes that no longer exist"


def test_each_answer_names_arguments_its_route_has() -> None:
    routes = {rule.endpoint: rule for rule in _writes()}
    unknown = {
        endpoint: sorted(set(own.args) - routes[endpoint].arguments)
        for endpoint, own in OWN.items()
        if endpoint in routes and set(own.args) - routes[endpoint].arguments
    }
    assert unknown == {}
