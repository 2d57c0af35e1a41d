"""Small words on a panel item's page."""

import re

from tests.conftest import page, sign_in


def test_an_optional_review_point_says_optional_once(client, council, panel_with_item):
    """The shipped titles already say '9-month review (optional)': the page adds the word
    only to a title that lacks it."""
    panel, item = panel_with_item
    sign_in(client, council["chair"])
    soup = page(client.get(f"/panels/{panel.id}/items/{item.id}"))
    rows = [re.sub(r"\s+", " ", row.select_one("td").get_text()).strip()
            for row in soup.find("caption", string="Review points").find_parent(
                "table").select("tbody tr")]
    assert "9-month review (optional)" in rows
    assert not any(row.lower().count("(optional)") > 1 for row in rows), rows
