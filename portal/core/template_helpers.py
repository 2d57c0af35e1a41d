"""Globals and filters available in every template."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, get_flashed_messages
from flask_login import current_user
from markupsafe import Markup, escape


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


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 person', '2 people', '0 entries': the count with the word that fits it."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def is_viewer(person) -> bool:
    """Whether `person` (a user, or a user's id) is the one reading the page."""
    if person is None or not current_user.is_authenticated:
        return False
    person_id = person if isinstance(person, int) else person.id
    return person_id == current_user.id


def possessive(person, start: bool = False) -> str:
    """'your' to the person themselves and 'Aisha Khan's' to anyone else, so a page about
    someone's work speaks to whoever reads it ('Your' at the start of a sentence)."""
    if is_viewer(person):
        return "Your" if start else "your"
    return f"{person.name}'s"


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
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.globals.update(
        flashed_notifications=flashed_notifications,
        error_summary_params=error_summary_params,
        is_viewer=is_viewer,
        possessive=possessive,
        # Views that show panel members free text override this with a real redactor.
        redact=lambda text: text,
        product_name=lambda: current_app.config["PRODUCT_NAME"],
    )
