"""The signed-in person's menu and unread count, shown on every page.

It lives here, in the package that composes the other domains' pages, because it names
them all (their endpoints, the roles, notifications); `portal.core` knows no domain.
"""

from flask import Flask, g, get_template_attribute, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts.roles import Role
from portal.core.db import db
from portal.notifications.models import Notification

# Pages that belong under another menu item.
MENU_SECTION_OF = {"records": "portfolios", "sufficiency": "portfolios",
                   "attachments": "evidence", "schedule": "cohorts",
                   "assignments": "cohorts", "decisions": "panels",
                   "corrections": "panels", "timeline": "panels", "attendance": "agendas",
                   "outside": "evidence", "feedback": "evidence",
                   "observations": "assess", "reports": "portfolios",
                   "support_plans": "portfolios",
                   "outbox": "users", "invitations": "users", "audit": "users",
                   "reminders": "accounts", "workforce_people": "workforce",
                   "panel_moderation": "agendas", "partnership_reports": "partnerships"}


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
        if Role.PROGRAMME_LEAD in roles:
            items.append(("Moderation", "moderation.index"))
        items.append(("Reports", "workforce.index"))
    elif roles & {Role.PANEL_MEMBER, Role.PANEL_CHAIR}:
        items.append(("Your panels", "agendas.mine"))
    if roles & {Role.ASSESSOR, Role.LINE_MANAGER}:
        items.append(("Your candidates", "assess.index"))
    if Role.EXTERNAL_MODERATOR in roles:
        items.append(("Portfolios to moderate", "moderating.index"))
    if Role.ADMINISTRATOR in roles:
        items.append(("Users", "users.index"))
        items.append(("Partnerships", "partnerships.index"))
    if Role.SERVICE_ADMINISTRATOR in roles:
        items.append(("Councils", "councils.index"))
        items.append(("All partnerships", "service_partnerships.index"))
        if not roles & {Role.ADMINISTRATOR, Role.PROGRAMME_LEAD}:
            items.append(("Frameworks", "frameworks.index"))
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
            item["html"] = get_template_attribute("components/navigation.html",
                                                  "unread_label")(unread)
        navigation.append(item)
    return navigation


def unread_notification_count() -> int:
    """The signed-in person's unread notifications. Normally counted in the user's own
    query (accounts.session.load_user); one COUNT query otherwise."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notification_count" not in g:
        g.unread_notification_count = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.recipient_id == current_user.id, Notification.read_at.is_(None))
        ) or 0
    return g.unread_notification_count


def init_navigation(app: Flask) -> None:
    app.jinja_env.globals.update(navigation_items=navigation_items,
                                 unread_notification_count=unread_notification_count,
                                 Role=Role)
