"""Two organisers placing the same portfolio on a panel's agenda at once: one item, and the
second is told it is already there (PostgreSQL, where the portfolio's row lock decides)."""

from datetime import date

import pytest

from portal.accounts.models import User
from portal.core.db import db
from portal.panels import agenda
from portal.panels import operations as panels
from portal.panels.errors import PanelError
from portal.panels.models import AgendaItem, Panel
from portal.portfolios.models import Portfolio, PortfolioState
from tests.panels.conftest import ready_for_panel
from tests.races import postgres_only, run_at_once


@pytest.mark.postgres_only
def test_placing_a_portfolio_twice_at_once_gives_one_agenda_item(app, council):
    postgres_only()
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = panels.create_panel(council["lead"], panels.PanelDetails(
        title="ASYE panel, January", sits_on=date(2027, 1, 20),
        chair_id=council["chair"].id, member_ids=[m.id for m in council["members"]],
        programme_ids=[portfolio.programme_id]))
    ids = (council["lead"].id, panel.id, portfolio.id)

    def load():
        lead, loaded_panel, loaded = (db.session.get(User, ids[0]), db.session.get(Panel, ids[1]),
                                      db.session.get(Portfolio, ids[2]))
        assert loaded.state == PortfolioState.UNDER_ASSESSMENT and loaded_panel.programmes
        return lead, loaded_panel, loaded

    job = (load, lambda loaded: agenda.place_on_agenda(*loaded))
    outcomes = run_at_once(app, [job, job], refusals=(PanelError,))
    assert outcomes.count("won") == 1, outcomes
    assert "already on an open agenda" in next(o for o in outcomes if o != "won")
    assert db.session.scalar(db.select(db.func.count(AgendaItem.id))) == 1
