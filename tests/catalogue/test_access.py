"""Who may open the catalogue: advisors and admins; everyone else gets 404, strangers sign in.

Students have a view of their own (tests/catalogue/test_browse.py): the staff's
project list and project page send them there.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.catalogue.pages import text
from tests.conftest import csrf_token
from tests.factories import Factory

#: Every page of the catalogue; {e}, {s} and {p} are an employer's, supervisor's, project's id.
PAGES = (
    "/catalogue/projects",
    "/catalogue/projects?q=survey&employer={e}&status=open&page=2",
    "/catalogue/projects/new",
    "/catalogue/projects/{p}",
    "/catalogue/projects/{p}/edit",
    "/catalogue/employers",
    "/catalogue/employers/new",
    "/catalogue/employers/{e}",
    "/catalogue/employers/{e}/edit",
    "/catalogue/supervisors",
    "/catalogue/supervisors/new",
    "/catalogue/supervisors/{s}",
    "/catalogue/supervisors/{s}/edit",
    "/catalogue/import",
)
FORMS = (
    "/catalogue/projects/new",
    "/catalogue/projects/{p}/edit",
    "/catalogue/employers/new",
    "/catalogue/employers/{e}/edit",
    "/catalogue/supervisors/new",
    "/catalogue/supervisors/{s}/edit",
    "/catalogue/import",
    "/catalogue/import/confirm",
)
OPTIONS = "/catalogue/projects/options"


def _ids(make: Factory) -> dict[str, int]:
    employer = make.employer()
    supervisor = make.supervisor(employer)
    project = make.project(employer, supervisor_id=supervisor)
    return {"e": employer, "s": supervisor, "p": project}


@pytest.mark.parametrize("role", ["advisor", "admin"])
def test_staff_open_every_page(login_as: Callable[[str], FlaskClient], make: Factory, role: str):
    ids = _ids(make)
    client = login_as(role)
    for path in PAGES:
        response = client.get(path.format(**ids))
        assert response.status_code == 200, path
        assert "Page not found" not in text(response)
    assert client.get(OPTIONS).status_code == 200


#: Staff pages that send a student on to the students' view of the catalogue.
STUDENT_VIEWS = {
    "/catalogue/projects": "/catalogue/browse",
    "/catalogue/projects/{p}": "/catalogue/browse/{p}",
}


@pytest.mark.parametrize("role", ["student", "faculty", "registrar"])
def test_others_get_not_found(login_as: Callable[[str], FlaskClient], make: Factory, role: str):
    ids = _ids(make)
    client = login_as(role)
    token = csrf_token(client, "/")  # the sign-out form of every page
    for path in PAGES:
        response = client.get(path.format(**ids))
        if role == "student" and path.partition("?")[0] in STUDENT_VIEWS:
            assert response.status_code == 302, path
            view = STUDENT_VIEWS[path.partition("?")[0]].format(**ids)
            assert response.headers["Location"] == view
            continue
        assert response.status_code == 404, path
        assert "Page not found" in text(response)
    for path in FORMS:
        response = client.post(path.format(**ids), data={"csrf_token": token, "name": "X"})
        assert response.status_code == 404, path


def test_menu_offers_the_catalogue_to_advisors_only(login_as: Callable[[str], FlaskClient]):
    advisor_page = text(login_as("advisor").get("/"))
    assert 'href="/catalogue/projects"' in advisor_page
    assert 'href="/catalogue/employers"' in advisor_page
    assert 'href="/catalogue/projects"' not in text(login_as("student").get("/"))


@pytest.mark.parametrize(
    ("role", "status"),
    [("student", 200), ("advisor", 200), ("admin", 200), ("faculty", 404), ("registrar", 404)],
)
def test_project_options_serve_students_and_staff(
    login_as: Callable[[str], FlaskClient], role: str, status: int
):
    assert login_as(role).get(OPTIONS).status_code == status


def test_strangers_are_sent_to_sign_in(client: FlaskClient, make: Factory):
    ids = _ids(make)
    for path in (*PAGES, OPTIONS):
        response = client.get(path.format(**ids))
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path


@pytest.mark.parametrize(
    "path",
    [
        "/catalogue/projects/abc",
        "/catalogue/projects/1.5/edit",
        "/catalogue/projects/-1",
        "/catalogue/projects/99999999999999999999999",
        "/catalogue/projects/4242",
        "/catalogue/employers/%00",
        "/catalogue/employers/0x10/edit",
        "/catalogue/employers/4242",
        "/catalogue/supervisors/abc/edit",
        "/catalogue/supervisors/4242",
    ],
)
def test_bad_or_unknown_ids_are_not_found(login_as: Callable[[str], FlaskClient], path: str):
    response = login_as("advisor").get(path)
    assert response.status_code == 404
    assert "Page not found" in text(response)
