"""Security headers on every response, and the CSP nonce for the few inline scripts."""

import secrets

from flask import Flask, g, request
from flask_login import current_user


def csp_nonce() -> str:
    """A per-request nonce for GOV.UK Frontend's inline `js-enabled` script."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(response):
    """Set the headers on every response, error pages and downloads included."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # strict-origin-when-cross-origin keeps Flask-WTF's HTTPS Referer check working.
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.environ.get("portal.production"):
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    # is_anonymous, not is_authenticated: after a commit the latter reloads the user's row
    # (every attribute is expired) just to set a header.
    if current_user and not current_user.is_anonymous:
        # Pages with personal data must not be kept by the browser or shared caches.
        headers["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask) -> None:
    production = app.config["PORTAL_ENV"] == "production" and not app.testing

    @app.before_request
    def _mark_production():
        request.environ["portal.production"] = production or app.config.get("FORCE_HSTS")

    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
