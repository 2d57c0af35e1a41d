"""The read-only framework pages: who may see them, what they show, and their cost."""

import pytest

from portal.accounts.roles import Role
from portal.core.db import db
from portal.frameworks.loader import load_mapping
from tests.conftest import assert_no_duplicate_ids, count_queries, page
from tests.frameworks.helpers import make_framework


@pytest.fixture
def framework(app):
    framework = make_framework()
    db.session.commit()
    return framework


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PROGRAMME_LEAD])
def test_administrators_and_programme_leads_can_read(as_role, client, framework, role):
    as_role(role)
    index = client.get("/frameworks/")
    assert index.status_code == 200
    assert client.get(f"/frameworks/{framework.id}").status_code == 200
    nav = [a.get_text(strip=True) for a in page(index).select(".govuk-service-navigation__link")]
    assert "Frameworks" in nav


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.ASSESSOR, Role.PANEL_MEMBER])
def test_other_roles_are_refused(as_role, client, framework, role):
    as_role(role)
    assert client.get("/frameworks/").status_code == 403
    assert client.get(f"/frameworks/{framework.id}").status_code == 403
    assert "Frameworks" not in client.get("/home").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/frameworks/", "/frameworks/1"])
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_an_unknown_framework_is_not_found(as_role, client):
    as_role(Role.ADMINISTRATOR)
    assert client.get("/frameworks/999999").status_code == 404


def test_the_list_shows_each_version(as_role, client, framework):
    make_framework(version="2010", status="retired")
    as_role(Role.ADMINISTRATOR)
    soup = page(client.get("/frameworks/"))
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup.select("tbody tr")
    ]
    assert [row[1:5] for row in rows] == [
        ["pcf", "2018", "Active", "3"],
        ["pcf", "2010", "Retired", "3"],
    ]
    assert_no_duplicate_ids(soup)


def test_a_framework_page_shows_tree_levels_and_unverified_tags(as_role, client, framework):
    as_role(Role.SERVICE_ADMINISTRATOR)
    soup = page(client.get(f"/frameworks/{framework.id}"))
    assert soup.h1.get_text(strip=True) == "Professional Capabilities Framework"
    tables = soup.select("table")
    element_rows = tables[0].select("tbody tr")
    assert [r.th.get_text(strip=True) for r in element_rows] == ["1", "1.1", "2"]
    unverified = [
        r.th.get_text(strip=True) for r in element_rows
        if "Not yet checked against the publisher's wording" in r.get_text()
    ]
    assert unverified == ["1.1"]
    assert "part of 1 Professionalism" in element_rows[1].get_text()
    assert [r.th.get_text(strip=True) for r in tables[1].select("tbody tr")] == [
        "Newly qualified social worker (ASYE)", "Social Worker",
    ]
    assert_no_duplicate_ids(soup)


def test_mappings_show_on_both_versions(as_role, client, framework):
    newer = make_framework(version="2026", title="PCF 2026")
    load_mapping({
        "from": {"code": "pcf", "version": "2018"},
        "to": {"code": "pcf", "version": "2026"},
        "mappings": [{"from": "1", "to": "2", "note": "Merged"}],
    })
    db.session.commit()
    as_role(Role.ADMINISTRATOR)
    old_page = page(client.get(f"/frameworks/{framework.id}"))
    assert "Mapped to other versions" in old_page.get_text()
    cells = [td.get_text(" ", strip=True) for td in old_page.select("table")[-1].select("td")]
    assert cells == ["1 Professionalism", "PCF 2026 (2026) : 2 Values and Ethics", "Merged"]
    link = old_page.select("table")[-1].select_one("a")
    assert link["href"] == f"/frameworks/{newer.id}"
    new_page = page(client.get(f"/frameworks/{newer.id}")).get_text(" ", strip=True)
    assert "Mapped from other versions" in new_page
    assert "Merged" in new_page


def _elements(count: int) -> list[dict]:
    return [
        {"code": str(n), "title": f"Domain {n}", "description": "d", "verified": n % 2 == 0,
         "children": [{"code": f"{n}.{c}", "title": "Statement", "description": "d",
                       "verified": True} for c in range(3)]}
        for n in range(count)
    ]


def test_query_count_does_not_grow_with_the_framework(as_role, client):
    small = make_framework(code="small", elements=_elements(1))
    large = make_framework(code="large", elements=_elements(30))
    for n in range(5):
        make_framework(code=f"extra-{n}")
    load_mapping({"from": {"code": "small", "version": "2018"},
                  "to": {"code": "large", "version": "2018"},
                  "mappings": [{"from": "0", "to": str(n)} for n in range(20)]})
    as_role(Role.ADMINISTRATOR)
    counts = {}
    for framework in (small, large):
        with count_queries() as statements:
            assert client.get(f"/frameworks/{framework.id}").status_code == 200
        counts[framework.code] = len(statements)
    assert counts["small"] == counts["large"]
    assert counts["large"] <= 8
    with count_queries() as statements:
        assert client.get("/frameworks/").status_code == 200
    assert len(statements) <= 5


def test_framework_text_is_escaped(as_role, client):
    hostile = make_framework(
        title="<script>alert('t')</script>",
        source="javascript:alert(1)",
        elements=[{"code": "<b>1</b>", "title": "<img src=x onerror=alert(1)>",
                   "description": "<script>d</script>", "verified": False}],
    )
    db.session.commit()
    as_role(Role.ADMINISTRATOR)
    for url in ("/frameworks/", f"/frameworks/{hostile.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in html
    html = client.get(f"/frameworks/{hostile.id}").get_data(as_text=True)
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html


def test_a_lead_sees_no_unchecked_marks_or_placeholder_titles(as_role, client):
    """Whether a title was checked is the service administrators' business (frameworks
    are national); a placeholder is never shown as a title to anyone else."""
    elements = [{"code": "7", "title": "Section 7 (title not confirmed)", "description": "d",
                 "verified": False}]
    framework = make_framework(elements=elements)
    db.session.commit()
    as_role(Role.PROGRAMME_LEAD)
    text = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "not confirmed" not in text and "Not yet checked" not in text
    assert "Check and activate" not in text and "Import a framework" not in text
