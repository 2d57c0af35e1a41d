"""The portfolio page's evidence list, drawn in Python.

A portfolio holds a few dozen entries, each with a link, a date and (for its owner) a
"Take out" form; through Jinja those items were the page's largest cost. Every value goes
through `escape`, as Jinja's autoescaping would, and the markup is the template's own.
"""

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from flask import url_for
from flask_wtf.csrf import generate_csrf as csrf_token
from markupsafe import Markup
from markupsafe import escape as escape_text

from portal.core.template_helpers import uk_date


class IncludedEntry(NamedTuple):
    """An entry in the portfolio, as plain values: the list shows titles and dates."""

    item_id: int  # the portfolio_entry row
    section: str | None
    entry_id: int
    title: str
    occurred_on: date
    evidence_type: str  # what the completeness count goes by


def included_items(items: list[IncludedEntry], portfolio_id: int, is_owner: bool) -> Markup:
    token = escape_text(csrf_token()) if is_owner else ""
    urls = _Urls(lambda entry_id: url_for("evidence.show", entry_id=entry_id),
                 lambda item_id: url_for("portfolios.exclude", item_id=item_id,
                                         portfolio_id=portfolio_id))
    # Every value is escaped but the dates, which uk_date writes from digits and month
    # names.
    return Markup("".join(  # noqa: S704
        _item(item, urls, is_owner, token) for item in items))


class _Urls(NamedTuple):
    entry: Callable[[int], str]
    exclude: Callable[[int], str]


def _item(item: IncludedEntry, urls: _Urls, is_owner: bool, token: str) -> str:
    title = escape_text(item.title)
    entry_url = escape_text(urls.entry(item.entry_id))
    html = (
        '    <li class="portal-inline-item">\n'
        f'      <a class="govuk-link" href="{entry_url}">{title}</a> '
        f'<span class="govuk-body-s">({uk_date(item.occurred_on)})</span>\n')
    if is_owner:
        exclude_url = escape_text(urls.exclude(item.item_id))
        html += (
            f'      <form method="post" action="{exclude_url}" class="portal-inline-form">\n'
            f'        <input type="hidden" name="csrf_token" value="{token}">\n'
            '        <button type="submit" class="govuk-button govuk-button--secondary '
            'govuk-!-margin-bottom-0 govuk-!-margin-left-2" data-module="govuk-button">'
            f'Take out<span class="govuk-visually-hidden"> \u2018{title}\u2019</span></button>\n'
            '      </form>\n')
    return html + "    </li>\n"
