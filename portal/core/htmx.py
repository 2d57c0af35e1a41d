"""The one place that decides between a full page and an htmx fragment."""

from flask import make_response as flask_make_response
from flask import render_template, request
from htmx_flask import Htmx

htmx = Htmx()

PAGE_LAYOUT = "layouts/page.html"
FRAGMENT_LAYOUT = "layouts/fragment.html"


def wants_fragment() -> bool:
    """An htmx request that is not a boosted navigation only needs the changed part."""
    htmx_request = getattr(request, "htmx", None)
    return bool(htmx_request) and not htmx_request.boosted


def render(template: str, status: int = 200, **context):
    """Render `template` as a whole page, or just its content block for htmx.

    Templates extend `layout`, so one template serves both the page and the fragment.
    """
    context["layout"] = FRAGMENT_LAYOUT if wants_fragment() else PAGE_LAYOUT
    response = flask_make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_to(location: str, status: int = 303):
    """Redirect a normal request, or tell htmx to load the next page in full.

    A 3xx would be followed by the browser and its page swapped into the target; HX-Redirect
    makes a real navigation, so the next page arrives with its layout and messages.
    """
    if getattr(request, "htmx", None):
        response = flask_make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    response = flask_make_response("", status)
    response.headers["Location"] = location
    return response
