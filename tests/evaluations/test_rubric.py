"""The rubric admin: add, edit, deactivate, reactivate and reorder criteria."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from careercredit.evaluations.services import active_criteria, all_criteria
from careercredit.extensions import db
from careercredit.models import AuditEvent, RubricCriterion
from tests.conftest import PEOPLE, csrf_token, login

RUBRIC = "/admin/rubric"
DESCRIPTORS = {f"descriptor_{n}": f"Teamwork level {n}." for n in range(1, 6)}


@pytest.fixture
def criteria(app: Flask) -> dict[str, int]:
    """A rubric of three known criteria in place of the default one: key -> id."""
    with app.app_context():
        db.session.execute(delete(RubricCriterion))
        for position, key in enumerate(("quality", "communication", "initiative")):
            db.session.add(
                RubricCriterion(
                    key=key,
                    label=key.title(),
                    descriptors=[f"{key.title()} {score}." for score in range(1, 6)],
                    position=position,
                    active=True,
                )
            )
        db.session.commit()
        return {c.key: c.id for c in db.session.scalars(select(RubricCriterion))}


@pytest.fixture
def admin(login_as: Callable[[str], FlaskClient]) -> FlaskClient:
    return login_as("admin")


def order(app: Flask) -> list[str]:
    """Every criterion's key, in the admin's order."""
    with app.app_context():
        return [c.key for c in all_criteria()]


def active(app: Flask) -> list[str]:
    """The keys ``active_criteria()`` gives the supervisor pages."""
    with app.app_context():
        return [c.key for c in active_criteria()]


def events(app: Flask, action: str) -> list[AuditEvent]:
    """Audit events of ``action``, oldest first (detached)."""
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def post(client: FlaskClient, path: str, **data: str) -> object:
    """Submit a form on ``path`` with a fresh CSRF token."""
    token = csrf_token(client, RUBRIC)
    return client.post(path, data={"csrf_token": token, **data})


def error(page: str, field: str) -> str:
    """The message shown next to ``field``."""
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    assert match, f"no error next to {field}"
    return match.group(1)


def test_lists_criteria_in_order_with_their_descriptors(
    admin: FlaskClient, criteria: dict[str, int]
) -> None:
    page = admin.get(RUBRIC).get_data(as_text=True)

    ids = [int(n) for n in re.findall(r'<tr id="criterion-(\d+)"', page)]
    assert ids == [criteria["quality"], criteria["communication"], criteria["initiative"]]
    assert "Communication 5." in page
    assert f'href="{RUBRIC}"' in page  # in the admin's menu


def test_add_a_criterion_at_the_end(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    response = post(admin, f"{RUBRIC}/new", key="teamwork", label=" Teamwork ", **DESCRIPTORS)

    assert response.status_code == 302
    assert order(app) == ["quality", "communication", "initiative", "teamwork"]
    assert active(app)[-1] == "teamwork"
    with app.app_context():
        added = db.session.scalar(select(RubricCriterion).where(RubricCriterion.key == "teamwork"))
        assert added.label == "Teamwork"
        assert added.descriptors == list(DESCRIPTORS.values())
    [event] = events(app, "rubric.create")
    assert event.object_id == str(added.id)
    assert event.details["after"]["label"] == "Teamwork"
    page = admin.get(RUBRIC).get_data(as_text=True)
    assert "Criterion “Teamwork” added" in page


def test_add_into_an_empty_rubric(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        db.session.execute(delete(RubricCriterion))
        db.session.commit()
    assert "no criteria yet" in admin.get(RUBRIC).get_data(as_text=True)

    post(admin, f"{RUBRIC}/new", key="teamwork", label="Teamwork", **DESCRIPTORS)

    assert active(app) == ["teamwork"]


def test_invalid_criterion_is_returned_with_messages_and_entries(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    data = {**DESCRIPTORS, "descriptor_3": "  ", "descriptor_5": "x" * 301}
    response = post(admin, f"{RUBRIC}/new", key="Team Work", label="", **data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "lowercase letters a-z, digits and underscores" in error(page, "key")
    assert "Enter the label" in error(page, "label")
    assert error(page, "descriptor_3") == "Describe the work that earns a 3."
    assert "under 300 characters" in error(page, "descriptor_5")
    assert 'value="Team Work"' in page
    assert "Teamwork level 4." in page
    assert order(app) == ["quality", "communication", "initiative"]
    assert events(app, "rubric.create") == []


def test_duplicate_key_is_refused_next_to_the_key(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    response = post(admin, f"{RUBRIC}/new", key="quality", label="Quality again", **DESCRIPTORS)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Another criterion already has this key" in error(page, "key")
    assert 'value="Quality again"' in page
    assert order(app) == ["quality", "communication", "initiative"]


def test_edit_label_and_descriptors_but_never_the_key(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    path = f"{RUBRIC}/{criteria['communication']}/edit"
    form = admin.get(path).get_data(as_text=True)
    assert 'value="Communication"' in form
    assert "Communication 3." in form

    new = {**{f"descriptor_{n}": f"Communication {n}." for n in range(1, 6)}}
    new["descriptor_2"] = "Updates came late."
    response = post(admin, path, key="talk", label="Written communication", **new)

    assert response.status_code == 302
    with app.app_context():
        criterion = db.session.get_one(RubricCriterion, criteria["communication"])
        assert criterion.key == "communication"
        assert criterion.label == "Written communication"
        assert criterion.descriptors[1] == "Updates came late."
    [event] = events(app, "rubric.update")
    assert event.details["before"]["label"] == "Communication"
    assert event.details["after"]["label"] == "Written communication"
    assert event.details["after"]["descriptors"][1] == "Updates came late."


def test_saving_without_changes_records_nothing(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    same = {f"descriptor_{n}": f"Quality {n}." for n in range(1, 6)}
    response = post(admin, f"{RUBRIC}/{criteria['quality']}/edit", label="Quality", **same)

    assert response.status_code == 302
    assert "Nothing changed." in admin.get(RUBRIC).get_data(as_text=True)
    assert events(app, "rubric.update") == []


def test_invalid_edit_keeps_the_entries(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    data = {**DESCRIPTORS, "descriptor_1": ""}
    response = post(admin, f"{RUBRIC}/{criteria['quality']}/edit", label="Craft", **data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error(page, "descriptor_1") == "Describe the work that earns a 1."
    assert 'value="Craft"' in page
    assert "Teamwork level 2." in page
    with app.app_context():
        assert db.session.get_one(RubricCriterion, criteria["quality"]).label == "Quality"


def test_deactivate_and_reactivate(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    response = post(admin, f"{RUBRIC}/{criteria['communication']}/deactivate")

    assert response.status_code == 302
    assert active(app) == ["quality", "initiative"]
    assert order(app) == ["quality", "communication", "initiative"]  # kept, not deleted
    page = admin.get(RUBRIC).get_data(as_text=True)
    assert "deactivated" in page
    assert "Reactivate" in page
    assert len(events(app, "rubric.deactivate")) == 1

    post(admin, f"{RUBRIC}/{criteria['communication']}/reactivate")

    assert active(app) == ["quality", "communication", "initiative"]
    [event] = events(app, "rubric.reactivate")
    assert event.details["key"] == "communication"


def test_the_last_active_criterion_stays(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    post(admin, f"{RUBRIC}/{criteria['quality']}/deactivate")
    post(admin, f"{RUBRIC}/{criteria['communication']}/deactivate")

    post(admin, f"{RUBRIC}/{criteria['initiative']}/deactivate")

    assert active(app) == ["initiative"]
    assert "Keep at least one criterion active" in admin.get(RUBRIC).get_data(as_text=True)
    assert len(events(app, "rubric.deactivate")) == 2


def test_move_up_and_down(app: Flask, admin: FlaskClient, criteria: dict[str, int]) -> None:
    post(admin, f"{RUBRIC}/{criteria['initiative']}/move", direction="up")
    assert order(app) == ["quality", "initiative", "communication"]

    post(admin, f"{RUBRIC}/{criteria['quality']}/move", direction="down")
    assert order(app) == ["initiative", "quality", "communication"]
    assert active(app) == ["initiative", "quality", "communication"]

    moves = events(app, "rubric.move")
    assert [(e.details["key"], e.details["before"], e.details["after"]) for e in moves] == [
        ("initiative", 2, 1),
        ("quality", 0, 1),
    ]


def test_moving_past_the_ends_changes_nothing(
    app: Flask, admin: FlaskClient, criteria: dict[str, int]
) -> None:
    post(admin, f"{RUBRIC}/{criteria['quality']}/move", direction="up")
    assert "already at the top" in admin.get(RUBRIC).get_data(as_text=True)
    post(admin, f"{RUBRIC}/{criteria['initiative']}/move", direction="down")
    assert "already at the bottom" in admin.get(RUBRIC).get_data(as_text=True)
    post(admin, f"{RUBRIC}/{criteria['initiative']}/move", direction="sideways")
    assert "Choose to move the criterion up or down" in admin.get(RUBRIC).get_data(as_text=True)

    assert order(app) == ["quality", "communication", "initiative"]
    assert events(app, "rubric.move") == []


def test_unknown_criterion_is_404(admin: FlaskClient, criteria: dict[str, int]) -> None:
    assert admin.get(f"{RUBRIC}/999/edit").status_code == 404
    assert post(admin, f"{RUBRIC}/999/deactivate").status_code == 404


ROUTES = [
    ("GET", RUBRIC),
    ("GET", f"{RUBRIC}/new"),
    ("POST", f"{RUBRIC}/new"),
    ("GET", f"{RUBRIC}/{{id}}/edit"),
    ("POST", f"{RUBRIC}/{{id}}/edit"),
    ("POST", f"{RUBRIC}/{{id}}/deactivate"),
    ("POST", f"{RUBRIC}/{{id}}/reactivate"),
    ("POST", f"{RUBRIC}/{{id}}/move"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("person", ["anonymous", *[p for p in PEOPLE if p != "admin"]])
def test_only_admins_reach_the_rubric(
    app: Flask, criteria: dict[str, int], method: str, path: str, person: str
) -> None:
    client = app.test_client()
    if person != "anonymous":
        assert login(client, PEOPLE[person]).status_code == 302
    url = path.format(id=criteria["quality"])
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/login" if person == "anonymous" else "/")
        data = {"csrf_token": token, "direction": "down", "key": "x", "label": "X", **DESCRIPTORS}
        response = client.post(url, data=data)

    if person == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == 404
    assert order(app) == ["quality", "communication", "initiative"]
    assert active(app) == ["quality", "communication", "initiative"]


def test_every_rubric_route_is_checked(app: Flask) -> None:
    routes = {
        (method, re.sub(r"<int:\w+>", "{id}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("evaluations.") and rule.rule.startswith(RUBRIC)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(ROUTES)
