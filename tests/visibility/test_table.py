"""Every cell of the visibility table against the real pages.

For each kind of record and each relation to the candidate, build the record and the
person, open the page where that record is read and check it answers as the table says:
200 with the record for a reading cell, 404 (the record does not exist for them) for
"none"; then send the change that page offers and check only an "edit" cell makes it.
"""

import pytest

from portal.core.db import db
from portal.visibility import TABLE, Access, Kind, Relation
from tests import factories
from tests.conftest import sign_in
from tests.visibility.world import World, builder

CELLS = [(kind, relation) for kind in Kind for relation in Relation]
REFUSED = {403, 404}


def _body(response) -> str:
    return response.get_data().decode("utf-8", "replace")


@pytest.mark.parametrize(("kind", "relation"), CELLS,
                         ids=[f"{kind}-{relation}" for kind, relation in CELLS])
def test_each_cell_of_the_table(app, org, kind, relation):
    world = World(org)
    case = builder(kind, relation)(world)
    if relation is Relation.PANEL_MEMBER:
        world.to_panel()  # the member sits on a panel with this candidate's snapshot
    url = case.url_for(relation)
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.person(relation))
    cell = TABLE[kind][relation]

    response = client.get(url)
    if cell.reads:
        assert response.status_code == 200, url
        if case.marker:
            assert case.marker in _body(response), url
    elif case.shared_page and response.status_code == 200:
        assert case.marker not in _body(response), url
    else:
        assert response.status_code == 404, url
    if relation is Relation.PANEL_MEMBER and not cell.reads and case.marker:
        # Nor does the panel's own page show what the member may not read.
        assert case.marker not in _body(client.get(world.panel_url()))

    if case.edit is not None and relation is not Relation.PANEL_MEMBER:
        edit_url, form = case.edit_for(relation)
        changed = client.post(edit_url, data=form)
        if cell is Access.EDIT:
            assert changed.status_code < 400, (edit_url, _body(changed)[:2000])
            assert case.edited(), edit_url
        else:
            assert changed.status_code in REFUSED, edit_url
            assert not case.edited(), edit_url


@pytest.mark.parametrize("kind", [Kind.EVIDENCE, Kind.SUPERVISION, Kind.REVIEW_REPORT,
                                  Kind.SNAPSHOT, Kind.DECISION])
def test_another_council_finds_nothing(app, org, kind):
    """Whatever their role, someone from another council gets 404 for every id."""
    world = World(org)
    case = builder(kind, Relation.ASSESSOR)(world)
    elsewhere = factories.organisation()
    outsider = factories.user(elsewhere, roles=[role for role in factories.Role
                                                if role is not factories.Role.CANDIDATE])
    db.session.commit()
    client = app.test_client()
    sign_in(client, outsider)
    assert client.get(case.read_url).status_code == 404


def test_the_table_has_a_cell_for_every_kind_and_relation():
    assert set(TABLE) == set(Kind)
    assert all(set(row) == set(Relation) for row in TABLE.values())
    # The candidate reads everything about themselves; nobody else changes their records.
    assert all(row[Relation.CANDIDATE].reads for row in TABLE.values())
