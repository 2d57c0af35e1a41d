"""Template rendering made cheaper without changing a byte of the HTML.

GOV.UK Frontend's Jinja macros are pure functions of their parameters, but each call costs
tens of microseconds (imports, attribute macros, escaping). A work queue with fifty
"Overdue" tags, or the navigation on every signed-in page, paid that cost again and again
for identical output. `memoised_component` renders each distinct set of parameters once
per process and returns the same markup afterwards.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import jinja2
from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

# Components whose parameters repeat a lot: labels, states, the site's own navigation.
MEMOISED = {
    "govukTag": "tag",
    "govukServiceNavigation": "service-navigation",
    "govukGenericHeader": "generic-header",
    # The same few page links for every list of the same length and filters.
    "govukPagination": "pagination",
    "govukBackLink": "back-link",
}
# Bounded, per component: one with personal text (a name in a tag) or an id in a link must
# not grow memory forever, nor push the others' entries out when it fills.
MAX_ENTRIES = 4096
# Parameters longer than this (a long answer typed into a form) are rendered, not kept.
MAX_KEY_CHARS = 2000
# Stands in for per-request markup (the sign-out form carries a CSRF token) inside a
# memoised component; the template swaps the real markup in afterwards.
SIGN_OUT_SLOT = Markup("<!-- portal:sign-out -->")
_rendered: dict[str, dict[str, Markup]] = {}
# Parts of pages kept by `remember_drawing`, by name, then by owner (threads share them).
_drawings: dict[str, OrderedDict] = {}
_drawings_lock = threading.Lock()
Drawn = TypeVar("Drawn")


def _remember(name: str, key: str, render: Callable[[], Markup]) -> Markup:
    memo = _rendered.setdefault(name, {})
    markup = memo.get(key)
    if markup is None:
        markup = render()
        # An object shown by its address says nothing about its content: not memoised.
        if len(key) <= MAX_KEY_CHARS and " at 0x" not in key:
            if len(memo) >= MAX_ENTRIES:
                memo.clear()
            memo[key] = markup
    return markup


def remember_drawing(name: str, owner: Hashable, fingerprint: Hashable,
                     draw: Callable[[], Drawn], max_owners: int = 256) -> Drawn:
    """`draw()` for `owner` (a portfolio, a person's queue), kept until its `fingerprint`
    changes: one drawing per owner, the latest, and at most `max_owners` owners per
    process, the least recently used going first.

    For a part of a page that is a pure function of data the request reads anyway: the
    caller reads the data every time and makes the fingerprint from all of it, so the
    drawing is never stale. Neither may hold anyone's own words (see the widgets).
    """
    with _drawings_lock:
        memo = _drawings.setdefault(name, OrderedDict())
        kept = memo.get(owner)
        if kept is not None and kept[0] == fingerprint:
            memo.move_to_end(owner)
            return kept[1]
    drawn = draw()
    with _drawings_lock:
        memo[owner] = (fingerprint, drawn)
        memo.move_to_end(owner)
        while len(memo) > max_owners:
            memo.popitem(last=False)
    return drawn


def memoised_component(name: str) -> Callable[[dict], Markup]:
    """The GOV.UK macro `name`, rendered once per distinct `params`.

    The key is `repr(params)`: it tells Markup from plain text (the macros escape one and
    not the other) and costs far less than the macro. Callers must pass only values
    whose repr describes them fully (strings, numbers, booleans, lists and dicts).
    """
    path = f"govuk_frontend_jinja/components/{MEMOISED[name]}/macro.html"

    def render(params: dict | None = None) -> Markup:
        def macro() -> Markup:  # a macro of an autoescaped template: Markup
            return getattr(current_app.jinja_env.get_template(path).module, name)(params or {})
        key = repr(params)
        if name == "govukPagination" and "q=" in key:
            return macro()  # a search someone typed stays out of the memo (see widgets)
        return _remember(name, key, macro)

    render.__name__ = name
    return render


# Only fields that show the portal's own words are memoised: people's words are not kept
# in a process-wide memo. Selects, radios and checkboxes show the portal's labels and
# choices whichever is chosen (their parameters carry no typed value); a button its label,
# as long as its value is the one WTForms gives it (a crafted request can send any other);
# a one-line input or a date only while empty. Everything else (text areas, passwords,
# any widget added later) is rendered each time.
_CHOICE_WIDGETS = {"govuk_frontend_wtf/select.html", "govuk_frontend_wtf/radios.html",
                   "govuk_frontend_wtf/checkboxes.html", "govuk_frontend_wtf/file-upload.html"}
_EMPTY_WHEN_MEMOISED = {"govuk_frontend_wtf/input.html", "govuk_frontend_wtf/date.html"}
_BUTTON = "govuk_frontend_wtf/button.html"
_BUTTON_VALUES = (None, "", "y")


def _keeps_no_typed_text(template: str, params: dict) -> bool:
    if template in _CHOICE_WIDGETS:
        return True
    if template == _BUTTON:
        return params.get("value") in _BUTTON_VALUES
    return template in _EMPTY_WHEN_MEMOISED and params.get("value") in (None, "")


def _memoised_widget_render(widget, params: dict) -> Markup:
    """GovFormBase.render, once per distinct template and parameters: each form field was
    a whole Flask render_template (context processors, signals) of a one-macro template."""
    def render() -> Markup:
        return Markup(render_template(widget.template, params=params))  # noqa: S704 (autoescaped)

    if not _keeps_no_typed_text(widget.template, params):
        return render()
    return _remember(widget.template, repr(params), render)


def memoise_form_widgets() -> None:
    """govuk-frontend-wtf's widget templates call one GOV.UK macro with `params` and
    nothing else, so the same parameters always give the same markup."""
    from govuk_frontend_wtf.gov_form_base import GovFormBase

    GovFormBase.render = _memoised_widget_render


def forget_all() -> None:
    """For tests that change the macros' environment."""
    _rendered.clear()
    _drawings.clear()


def forget_drawings() -> None:
    """For tests, whose ids come round again in an emptied database."""
    _drawings.clear()


class Template(jinja2.Template):
    """Jinja's template with a cheaper `{% from ... import %}`.

    Every import asks whether the importing template has globals the imported one lacks,
    as `ctx.globals_keys - self.globals.keys()`: a Python-level loop over a ChainMap,
    repeated for every macro call that imports (the tag macro imports its attribute
    helper each time). `set.difference` over the same maps gives the same answer in C.
    """

    def _get_default_module(self, ctx=None):
        maps = getattr(self.globals, "maps", None)
        if ctx is not None and maps is not None and not ctx.globals_keys.difference(*maps):
            ctx = None  # nothing extra to pass on: the cached module is the right one
        return super()._get_default_module(ctx)


def csrf_token() -> str:
    """Flask-WTF's token for this request, from `g` once made. Pages with a form per row
    (remove buttons in a list) asked for it dozens of times, each call reading config."""
    token = g.get("csrf_token")  # where Flask-WTF keeps it (WTF_CSRF_FIELD_NAME default)
    return token if token is not None else generate_csrf()


def use_request_csrf_token(app: Flask) -> None:
    """Replace the `csrf_token` that CSRFProtect.init_app gives templates.

    It installs it twice: as a global and through a context processor, whose value
    shadows the global in every template. Its context processor only repeats its two
    globals, so it goes, and the global is ours.
    """
    app.jinja_env.globals["csrf_token"] = csrf_token
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if getattr(p, "__module__", "") != "flask_wtf.csrf"]


def init_rendering(app: Flask) -> None:
    from portal.core.urls import fast_url_for

    app.jinja_env.template_class = Template
    app.jinja_env.globals["url_for"] = fast_url_for
    memoise_form_widgets()
    components = {name: memoised_component(name) for name in MEMOISED}
    app.jinja_env.globals.update(components)
    # GOV.UK's page template imports its own govukServiceNavigation, which shadows a global
    # of that name inside its blocks; `memoised.<macro>` always reaches these.
    app.jinja_env.globals["memoised"] = components
    app.jinja_env.globals["SIGN_OUT_SLOT"] = SIGN_OUT_SLOT
