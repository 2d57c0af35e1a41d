"""Flask extensions, created unbound and attached in create_app."""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers

login_manager = LoginManager()
csrf = CSRFProtect()
wtforms_helpers = WTFormsHelpers()


def _client_address() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_address, default_limits=[], headers_enabled=False)
