"""Globals and filters available in every template."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, get_flashed_messages, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from portal.accounts.roles import Role


def uk_date(value: date | datetime | None) -> str:
    """'1 September 2026', the GOV.UK style for dates."""
    if value is None:
        return ""
    # A datetime is written in its own time zone.
    return f"{value.day} {value:%B %Y}"


def iso_uk_date(value: str | None) -> str:
    """A date stored as ISO text (in a frozen snapshot) in the GOV.UK style."""
    if not value:
        return ""
    try:
        return uk_date(date.fromisoformat(value))
    except ValueError:
        return value


def uk_time(value: datetime | None) -> str:
    """'2:05pm' in UK time, the GOV.UK style for times."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo("Europe/London"))
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def error_link(problem: tuple[str, str]) -> dict:
    """(field id, message) as an error summary item."""
    field_id, message = problem
    return {"text": message, "href": f"#{field_id}"}


def paragraphs(text: str | None) -> Markup:
    """Plain text with blank-line paragraphs, escaped, as GOV.UK body paragraphs."""
    if not text:
        return Markup("")
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup('<p class="govuk-body">{}</p>').format(
            Markup("<br>").join(escape(line) for line in block.split("\n"))
        )
        for block in blocks
    )


# Pages that belong under another menu item.
MENU_SECTION_OF = {"records": "portfolios", "sufficiency": "portfolios",
                   "attachments": "evidence", "schedule": "cohorts",
                   "assignments": "cohorts", "decisions": "panels",
                   "outside": "evidence", "feedback": "evidence",
                   "observations": "assess", "reports": "portfolios"}


def _menu_for(roles: frozenset[Role]) -> list[tuple[str, str]]:
    """(text, endpoint) of the menu items these roles see, in order."""
    items = [("Home", "home.index")]
    if Role.CANDIDATE in roles:
        items.append(("Your evidence", "evidence.index"))
        items.append(("Your portfolio", "portfolios.index"))
    if roles & {Role.ADMINISTRATOR, Role.PROGRAMME_LEAD}:
        items.append(("Cohorts", "cohorts.index"))
        items.append(("Programmes", "programmes.index"))
        items.append(("Frameworks", "frameworks.index"))
        items.append(("Panels", "panels.index"))
    elif roles & {Role.PANEL_MEMBER, Role.PANEL_CHAIR}:
        items.append(("Your panels", "panels.mine"))
    if roles & {Role.ASSESSOR, Role.LINE_MANAGER}:
        items.append(("Your candidates", "assess.index"))
    if Role.ADMINISTRATOR in roles:
        items.append(("Users", "users.index"))
    items.append(("Notifications", "notifications.index"))
    items.append(("Your account", "accounts.change_password"))
    return items


def navigation_items(active_endpoint: str | None) -> list[dict]:
    """The header navigation for the signed-in person's roles."""
    if not current_user.is_authenticated:
        return []
    active_prefix = (active_endpoint or "").split(".")[0]
    active_prefix = MENU_SECTION_OF.get(active_prefix, active_prefix)
    navigation = []
    for text, endpoint in _menu_for(current_user.roles):
        section = endpoint.split(".")[0]
        item = {"text": text, "href": url_for(endpoint), "active": section == active_prefix}
        if section == "notifications":
            unread = unread_notification_count()
            item["text"] = f"Notifications ({unread} unread)"
            item["html"] = Markup(
                'Notifications ({}<span class="govuk-visually-hidden"> unread</span>)'
            ).format(unread)
        navigation.append(item)
    return navigation


def unread_notification_count() -> int:
    """The signed-in person's unread notifications. Normally counted in the user's own
    query (accounts.session.load_user); one COUNT query otherwise."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notification_count" not in g:
        from sqlalchemy import func, select

        from portal.core.db import db
        from portal.notifications.models import Notification

        g.unread_notification_count = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.recipient_id == current_user.id, Notification.read_at.is_(None))
        ) or 0
    return g.unread_notification_count


def error_summary_params(form) -> dict:
    """GOV.UK error summary parameters, with form-level errors linked somewhere useful."""
    from govuk_frontend_wtf.main import wtforms_errors

    params = wtforms_errors(form)
    anchor = "#" + getattr(form, "error_anchor", "page-content")
    for item in params["errorList"]:
        if item["href"] in {"#None", "#"}:
            item["href"] = anchor
    return params


def flashed_notifications() -> list[dict]:
    return [
        {"category": category, "message": message}
        for category, message in get_flashed_messages(with_categories=True)
    ]


def init_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["uk_time"] = uk_time
    app.jinja_env.filters["iso_uk_date"] = iso_uk_date
    app.jinja_env.filters["error_link"] = error_link
    app.jinja_env.globals.update(
        navigation_items=navigation_items,
        flashed_notifications=flashed_notifications,
        error_summary_params=error_summary_params,
        # Views that show panel members free text override this with a real redactor.
        redact=lambda text: text,
        unread_notification_count=unread_notification_count,
        Role=Role,
        product_name=lambda: current_app.config["PRODUCT_NAME"],
    )
