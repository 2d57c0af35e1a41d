"""The cohort list's table rows, drawn in Python.

A page of 25 candidates has three links and a form per row; through Jinja the rows were
most of the page's time. Every value goes through `escape_text`, as Jinja's autoescaping
would, and the markup is the same as the template's was.
"""

from collections.abc import Callable
from typing import NamedTuple

from markupsafe import Markup

from portal.core.html_text import escape_text
from portal.core.rendering import csrf_token
from portal.core.template_helpers import uk_date
from portal.core.urls import id_url_maker


class _Urls(NamedTuple):
    assign: Callable[[int], str]
    remove: Callable[[int], str]
    dates: Callable[[int], str]


def cohort_rows(members, cohort_id: int, portfolio_states: dict[str, str]) -> Markup:
    token = escape_text(csrf_token())
    urls = _Urls(
        id_url_maker("assignments.candidate", "candidate_id"),
        id_url_maker("cohorts.remove_candidate", "membership_id", cohort_id=cohort_id),
        id_url_maker("schedule.change_dates", "membership_id", cohort_id=cohort_id))
    return Markup("".join(  # noqa: S704 (every value is escaped)
        _row(member, urls, portfolio_states, token) for member in members))


def _row(member, urls: _Urls, portfolio_states: dict[str, str], token: str) -> str:
    name = escape_text(member.name)
    for_name = f'<span class="govuk-visually-hidden"> for {name}</span>'
    assign_url = urls.assign(member.candidate_id)
    remove_url = urls.remove(member.membership_id)
    state = (escape_text(portfolio_states[member.portfolio_state]) if member.portfolio_state
             else "Not started")
    plan = (' <strong class="govuk-tag govuk-tag--red">Support plan</strong>'
            if member.open_plan_id else "")
    review = ""
    if member.next_due_on:
        due = escape_text(uk_date(member.next_due_on))
        review = f'<span class="portal-nowrap">{due}</span><br>'
    if member.portfolio_state:
        dates_url = urls.dates(member.membership_id)
        review += (f'<a class="govuk-link" href="{escape_text(dates_url)}">Change dates'
                   f'{for_name}</a>')
    return (
        '    <tr class="govuk-table__row">\n'
        f'      <td class="govuk-table__cell">{name}</td>\n'
        f'      <td class="govuk-table__cell">{escape_text(member.team_name or "")}</td>\n'
        '      <td class="govuk-table__cell">\n'
        f'        {escape_text(member.assessor_name or "None yet")}<br>\n'
        f'        <a class="govuk-link" href="{escape_text(assign_url)}">Assign{for_name}</a>\n'
        '      </td>\n'
        '      <td class="govuk-table__cell portal-nowrap">'
        f'{escape_text(uk_date(member.joined_on))}</td>\n'
        f'      <td class="govuk-table__cell">{state}{plan}</td>\n'
        f'      <td class="govuk-table__cell">{review}</td>\n'
        '      <td class="govuk-table__cell">\n'
        f'        <form method="post" action="{escape_text(remove_url)}">\n'
        f'          <input type="hidden" name="csrf_token" value="{token}">\n'
        '          <button type="submit" class="govuk-button govuk-button--secondary '
        'govuk-!-margin-bottom-0" data-module="govuk-button">Remove'
        f'<span class="govuk-visually-hidden"> {name}</span></button>\n'
        '        </form>\n'
        '      </td>\n'
        '    </tr>\n'
    )
