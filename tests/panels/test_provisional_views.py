"""The chair sees each sitting member's provisional view (never their private notes) on
the item and on the decision form; members see only their own."""

from portal.core.db import db
from portal.panels import agenda
from tests.conftest import page
from tests.panels.conftest import client_for

DEFER = "Defer: more evidence needed by a date"


def _views_table(soup) -> dict[str, str]:
    section = soup.select_one("section[aria-labelledby=provisional-views-heading]")
    return {row.select("td")[0].get_text(strip=True):
            row.select("td")[1].get_text(" ", strip=True)
            for row in section.select("tbody tr")}


def test_the_chair_sees_members_provisional_views(app, council, panel_with_item):
    panel, item = panel_with_item
    first, second = council["members"]
    agenda.save_member_note(first, item, "Private: the observations are thin", "deferred")
    db.session.commit()
    chair = client_for(app, council["chair"])
    for url in (f"/panels/{panel.id}/items/{item.id}",
                f"/decisions/record/{panel.id}/{item.id}"):
        soup = page(chair.get(url))
        views = _views_table(soup)
        assert views[first.name].startswith(DEFER)
        assert views[second.name] == "None yet"
        assert views[f"{council['chair'].name} (chair)"] == "None yet"
        assert "the observations are thin" not in soup.get_text()
        assert "quorate for this portfolio" in soup.select_one("#quorum").get_text()


def test_members_see_only_their_own_view(app, council, panel_with_item):
    panel, item = panel_with_item
    first, second = council["members"]
    agenda.save_member_note(first, item, "", "deferred")
    db.session.commit()
    html = client_for(app, second).get(f"/panels/{panel.id}/items/{item.id}").get_data(
        as_text=True)
    assert "provisional-views-heading" not in html and DEFER not in html.split(
        'id="member-notes"')[0]
