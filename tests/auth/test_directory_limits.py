"""Directory searches ask for the few entries shown and keep them when a size limit is reached.

OpenLDAP answers at most 500 entries a search by default and Active Directory
1,000: a short search at a real campus reaches that limit. A test campus with
a limit of 2 plays the part.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ldap.ldapobject import SimpleLDAPObject

from careercredit.auth.ldap import Directory, DirectorySettings
from careercredit.demo.directory import SERVICE_DN, SUFFIX, CampusDirectory
from tests.conftest import CAMPUS_LDIF, PASSWORD, SERVICE_PASSWORD

#: Matches Amara Davis, Sam Admin and Sam Okafor (display names with "am").
SEARCH = "am"


@pytest.fixture(scope="module")
def small_campus() -> Iterator[CampusDirectory]:
    """A campus that answers at most two entries a search."""
    directory = CampusDirectory(CAMPUS_LDIF, size_limit=2)
    directory.start()
    yield directory
    directory.stop()


def _directory(campus: CampusDirectory) -> Directory:
    return Directory(
        DirectorySettings(
            uri=campus.ldap_uri,
            bind_dn=SERVICE_DN,
            bind_password=SERVICE_PASSWORD,
            user_base=SUFFIX,
            group_base=f"ou=groups,{SUFFIX}",
            timeout=2.0,
        )
    )


def test_the_test_campus_has_more_matches_than_the_small_limit(campus: CampusDirectory) -> None:
    found = _directory(campus).search_people(SEARCH)
    assert {p.uid for p in found} == {"adavis", "root1", "sokafor"}


def test_server_size_limit_keeps_what_arrived(small_campus: CampusDirectory) -> None:
    found = _directory(small_campus).search_people(SEARCH)
    assert len(found) == 2  # not "directory unavailable", not nobody
    assert {p.uid for p in found} < {"adavis", "root1", "sokafor"}
    assert all(p.display_name and p.directory_id for p in found)


def test_the_server_is_asked_for_no_more_than_are_shown(
    campus: CampusDirectory, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    search_ext = SimpleLDAPObject.search_ext

    def recording(self: SimpleLDAPObject, *args: Any, **kwargs: Any) -> int:
        asked.append(kwargs.get("sizelimit", 0))
        return search_ext(self, *args, **kwargs)

    monkeypatch.setattr(SimpleLDAPObject, "search_ext", recording)
    found = _directory(campus).search_people(SEARCH, limit=1)
    assert len(found) == 1
    # The people search asks for one entry; then the groups of the one person found.
    assert asked == [1, 0]


def test_sign_in_and_look_ups_work_under_a_small_limit(small_campus: CampusDirectory) -> None:
    directory = _directory(small_campus)
    assert directory.authenticate("alice", PASSWORD).uid == "alice"
    person = directory.find_by_username("jnunez")
    assert person is not None
    assert directory.find_by_id(person.directory_id) == person
