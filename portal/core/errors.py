"""Friendly, accessible error pages (and fragments for htmx) for every error status."""

from contextlib import suppress

from flask import Flask, current_app, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.core.db import db
from portal.core.htmx import render
from portal.core.urls import UnreadableAddress

MESSAGES = {
    400: ("There was a problem with your request", "Check what you entered and try again."),
    403: ("You do not have access to this page",
          "If you think you should, ask your Social Work Academy administrator."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("This action is not available", "Go back and try again."),
    413: ("The file is too large", "Choose a smaller file and try again."),
    429: ("Too many attempts",
          "For your security, wait 15 minutes before you try again."),
    500: ("Sorry, there is a problem with the service",
          "Try again later. Nothing you had already saved has been lost."),
    503: ("Sorry, the service is unavailable",
          "What you were saving has not been saved. Go back in your browser, which keeps what "
          "you typed, and save again in a few minutes. Nothing you had already saved has been "
          "lost."),
}
# How long to tell browsers and proxies to wait while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def _error_page(status: int, title: str | None = None, detail: str | None = None):
    default_title, default_detail = MESSAGES.get(status, MESSAGES[400])
    return render("errors/error.html", status=status, error_title=title or default_title,
                  error_detail=detail or default_detail)


def session_ended_fragment(status: int):
    """Tell an htmx user their session ended, in the live region, leaving the form as it is.

    Retargeting to the notification area means the text someone was writing is not
    replaced by the message.
    """
    response = render("accounts/_session_ended.html", status=status,
                      sign_in_url=url_for("accounts.sign_in"))
    response.headers["HX-Retarget"] = "#notifications"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def database_unavailable(error: SQLAlchemyError):
    """The database is unreachable or dropped the connection: the portal's own page (with
    its security headers), not a bare server error. An htmx save (the draft autosave, inline
    forms) is answered in the notification area, leaving the form and its text as they are;
    the autosave tries again as the person types."""
    # Logged for whoever watches the service; hide_parameters keeps the values out.
    current_app.logger.error("Database unavailable on %s %s", request.method, request.path,
                             exc_info=error)
    with suppress(SQLAlchemyError):  # the connection is gone; the pool replaces it
        db.session.rollback()
    if getattr(request, "htmx", None):
        response = render("errors/_not_saved.html", status=503)
        response.headers["HX-Retarget"] = "#notifications"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = _error_page(503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_errors(app: Flask) -> None:
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        if getattr(request, "htmx", None):
            # Usually an expired session: keep the page (and any text) and explain.
            return session_ended_fragment(400)
        return _error_page(
            400,
            "Your form could not be sent",
            "The page was out of date or did not come from this site. Go back, refresh the "
            "page and try again.",
        )

    @app.errorhandler(UnreadableAddress)
    def unreadable_address(_error):
        return _error_page(
            400, "The web address could not be read",
            "It has a hidden character (a null character) that the portal cannot use. "
            "Check the address, or go back and try again.")

    @app.errorhandler(DataError)
    def unstorable_answer(_error):
        # The last line of defence (forms refuse NUL themselves): the database refused a
        # value. Nothing was saved; going back in the browser keeps what was typed.
        db.session.rollback()
        return _error_page(
            400, "What you entered could not be saved",
            "It has a character or number the portal cannot store. Go back, check what "
            "you entered and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _error_page(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(_error):
        db.session.rollback()
        return _error_page(500)
