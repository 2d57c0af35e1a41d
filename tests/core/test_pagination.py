"""One page of a list and its total in one query."""

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from portal.accounts.models import User
from portal.core.db import db
from portal.core.pagination import paginate
from tests import factories
from tests.conftest import count_queries


def _names(org_id: int):
    return (select(User).where(User.organisation_id == org_id).order_by(User.name)
            .options(lazyload(User.role_grants)))


def _page(app, org, number: int, per_page: int = 3):
    statement = _names(org.id)
    with app.test_request_context(f"/?page={number}"), count_queries() as statements:
        page = paginate(statement, per_page=per_page)
        names = [user.name for user in page.items]
    return page, names, len(statements)


def test_a_short_first_page_is_one_query(app, org):
    for n in range(2):
        factories.user(org, name=f"Person {n}")
    db.session.commit()
    page, names, queries = _page(app, org, 1)
    assert (page.total, page.pages, names) == (2, 1, ["Person 0", "Person 1"])
    assert queries == 1


def test_an_empty_list_is_one_query(app, org):
    page, names, queries = _page(app, org, 1)
    assert (page.total, names, queries) == (0, [], 1)


def test_a_full_page_knows_the_total_in_the_same_query(app, org):
    for n in range(7):
        factories.user(org, name=f"Person {n}")
    db.session.commit()
    page, names, queries = _page(app, org, 1)
    assert (page.total, page.pages, len(names), queries) == (7, 3, 3, 1)


def test_the_last_page_knows_the_total(app, org):
    for n in range(7):
        factories.user(org, name=f"Person {n}")
    db.session.commit()
    page, names, queries = _page(app, org, 3)
    assert (page.total, names, queries) == (7, ["Person 6"], 1)


def test_a_page_past_the_end_still_knows_the_total(app, org):
    for n in range(4):
        factories.user(org, name=f"Person {n}")
    db.session.commit()
    page, names, queries = _page(app, org, 5)
    assert (page.total, page.pages, names, queries) == (4, 2, [], 2)


def test_extra_columns_can_be_kept(app, org):
    factories.user(org, name="Ada")
    db.session.commit()
    statement = (select(User, User.name.label("shout")).where(User.organisation_id == org.id)
                 .options(lazyload(User.role_grants)))
    with app.test_request_context("/"):
        page = paginate(statement, rows=True)
        (user, shout), = page.items
    assert (user.name, shout, page.total) == ("Ada", "Ada", 1)


def test_a_distinct_list_is_counted_after_distinct(app, org):
    for n in range(3):
        factories.user(org, name="Same name" if n < 2 else "Other name")
    db.session.commit()
    statement = (select(User.name).where(User.organisation_id == org.id).distinct()
                 .order_by(User.name))
    with app.test_request_context("/"):
        page = paginate(statement, per_page=10, distinct=True)
    assert (page.items, page.total) == (["Other name", "Same name"], 2)
