"""Friendly, accessible error pages (and fragments for htmx) for every error status."""

from flask import Flask, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.core.db import db
from portal.core.htmx import render

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
}


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


def init_errors(app: Flask) -> None:
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

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _error_page(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(_error):
        db.session.rollback()
        return _error_page(500)
