"""Memoised GOV.UK components and the cheaper template import give the same HTML."""

import jinja2
from markupsafe import Markup

from portal.core import rendering
from tests import factories
from tests.conftest import page, sign_in

TAG = "govuk_frontend_jinja/components/tag/macro.html"


def _real_tag(app, params):
    return app.jinja_env.get_template(TAG).module.govukTag(params)


def test_a_memoised_tag_is_the_macros_own_output(app):
    with app.app_context():
        tag = rendering.memoised_component("govukTag")
        for params in ({"text": "Overdue", "classes": "govuk-tag--red"},
                       {"text": "<b>Not bold</b>"},
                       {"html": Markup("<b>Bold</b>")}):
            assert tag(params) == _real_tag(app, params)


def test_each_distinct_parameter_set_is_rendered_once(app, monkeypatch):
    rendering.forget_all()
    calls = []
    real_get_template = app.jinja_env.get_template

    def counting_get_template(name, *args, **kwargs):
        calls.append(name)
        return real_get_template(name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "get_template", counting_get_template)
    with app.app_context():
        tag = rendering.memoised_component("govukTag")
        tag({"text": "Overdue"})
        tag({"text": "Overdue"})
        tag({"text": "Due soon"})
    assert calls.count(TAG) == 2


def test_markup_and_text_with_the_same_characters_stay_apart(app):
    """Text is escaped and markup is not: one must never be served for the other."""
    rendering.forget_all()
    with app.app_context():
        tag = rendering.memoised_component("govukTag")
        escaped = tag({"text": "<i>x</i>"})
        trusted = tag({"text": Markup("<i>x</i>")})
    assert "&lt;i&gt;" in escaped
    assert "<i>x</i>" in trusted


def test_the_memo_is_bounded(app, monkeypatch):
    rendering.forget_all()
    monkeypatch.setattr(rendering, "MAX_ENTRIES", 3)
    with app.app_context():
        tag = rendering.memoised_component("govukTag")
        for number in range(10):
            tag({"text": f"Tag {number}"})
    assert len(rendering._rendered) <= 3


def test_the_menu_keeps_each_persons_own_sign_out_form(client, org):
    """The menu is memoised; the sign-out form (with this session's CSRF token) is not."""
    first = factories.user(org, roles=["candidate"])
    sign_in(client, first)
    soup = page(client.get("/home"))
    form = soup.select_one(".govuk-service-navigation__list form[action='/sign-out']")
    assert form is not None
    # The same session's token (signed tokens differ only in their timestamp part).
    token = form.select_one("input[name=csrf_token]")["value"]
    assert token.split(".")[0] == client.csrf_token().split(".")[0]
    assert "portal:sign-out" not in str(soup)
    current = soup.select_one(".govuk-service-navigation__item--active a")
    assert current.get_text(strip=True) == "Home"
    evidence = page(client.get("/evidence/"))
    current = evidence.select_one(".govuk-service-navigation__item--active a")
    assert current.get_text(strip=True) == "Your evidence"


def test_signed_out_pages_have_no_menu_and_no_sign_out(client):
    soup = page(client.get("/sign-in"))
    assert soup.select_one(".govuk-service-navigation__list") is None
    assert "portal:sign-out" not in str(soup)


def test_an_import_still_passes_on_extra_template_globals():
    """The fast path must fall back when the importing template has globals of its own."""
    env = jinja2.Environment(autoescape=True, loader=jinja2.DictLoader({
        "macros.html": "{% macro hello() %}{{ greeting }}{% endmacro %}",
        "page.html": '{% from "macros.html" import hello %}{{ hello() }}',
    }))
    env.template_class = rendering.Template
    assert env.get_template("page.html").render() == ""
    with_greeting = env.get_template("page.html", globals={"greeting": "Hello"})
    assert with_greeting.render() == "Hello"


def test_the_csrf_token_global_is_flask_wtfs_token_for_the_request(app):
    from flask_wtf.csrf import generate_csrf

    assert app.jinja_env.globals["csrf_token"] is rendering.csrf_token
    with app.test_request_context("/"):
        first = rendering.csrf_token()
        assert first == generate_csrf() == rendering.csrf_token()


def test_templates_reach_the_request_token_not_flask_wtfs_context_processor(app):
    """Flask-WTF's context processor put its own csrf_token in every template's context,
    shadowing the global (a signing call per form on the page)."""
    with app.test_request_context("/"):
        context = {}
        app.update_template_context(context)
        assert "csrf_token" not in context
        rendered = app.jinja_env.from_string("{{ csrf_token is sameas token }}").render(
            token=rendering.csrf_token)
        assert rendered == "True"


def test_memoised_pagination_is_the_macros_own_output_and_templates_use_it(app):
    from portal.core.pagination import Page

    path = "govuk_frontend_jinja/components/pagination/macro.html"
    with app.test_request_context("/evidence/"):
        params = Page(items=[], page=3, per_page=25, total=400).govuk_params(
            "evidence.index", q="home visit")
        real = app.jinja_env.get_template(path).module.govukPagination(params)
        paginate = rendering.memoised_component("govukPagination")
        assert paginate(params) == real
        assert "/evidence/?q=home+visit&amp;page=4" in real
        assert paginate(params) is not paginate(params)  # a typed search is never kept
        unfiltered = Page(items=[], page=3, per_page=25, total=400).govuk_params(
            "evidence.index", type="supervision")
        assert paginate(unfiltered) is paginate(unfiltered)
        assert app.jinja_env.globals["govukPagination"].__name__ == "govukPagination"
    for name in app.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html")):
        if not name.startswith("govuk_frontend"):
            source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
            assert "import govukPagination" not in source, name  # it would shadow the memo


def test_form_widgets_render_once_per_parameters_and_as_before(app, monkeypatch):
    """govuk-frontend-wtf renders each field through render_template; the memo gives the
    same markup for the same parameters, and keeps nothing anyone typed."""
    from flask_wtf import FlaskForm
    from govuk_frontend_wtf.wtforms_widgets import GovTextInput
    from wtforms import StringField
    from wtforms.validators import InputRequired

    class NameForm(FlaskForm):
        name = StringField("Name", widget=GovTextInput(), validators=[InputRequired()])

    def both_ways(form) -> tuple[Markup, Markup]:
        rendering.forget_all()
        memoised = form.name()
        with monkeypatch.context() as patched:
            patched.setattr(rendering, "MAX_KEY_CHARS", 0)  # nothing kept: rendered afresh
            rendering.forget_all()
            return memoised, form.name()

    with app.test_request_context("/"):
        blank, blank_again = both_ways(NameForm(meta={"csrf": False}))
    with app.test_request_context("/", method="POST", data={"name": "<Ann>"}):
        form = NameForm(meta={"csrf": False})
        typed, typed_again = both_ways(form)
        assert form.name() is not form.name()  # what someone typed is never kept
    with app.test_request_context("/", method="POST", data={"name": ""}):
        empty = NameForm(meta={"csrf": False})
        empty.validate()
        refused, refused_again = both_ways(empty)
    assert (blank, typed, refused) == (blank_again, typed_again, refused_again)
    with app.test_request_context("/"):
        blank_form = NameForm(meta={"csrf": False})
        assert blank_form.name() is blank_form.name()  # the second time, from the memo
    assert 'value="&lt;Ann&gt;"' in typed and 'value=""' in blank
    assert "This field is required" in refused and "is required" not in blank


def test_back_links_are_memoised_and_not_shadowed_by_imports(app):
    with app.test_request_context("/"):
        params = {"text": "Back to cohorts", "href": "/cohorts/"}
        path = "govuk_frontend_jinja/components/back-link/macro.html"
        real = app.jinja_env.get_template(path).module.govukBackLink(params)
        assert app.jinja_env.globals["govukBackLink"](params) == real
    for name in app.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html")):
        if not name.startswith("govuk_frontend"):
            source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
            assert "import govukBackLink" not in source, name


def test_a_drawing_is_kept_per_owner_until_its_fingerprint_changes():
    """One drawing per owner, the latest; the least recently used owner goes first."""
    rendering.forget_drawings()
    drawn = []

    def draw(owner, fingerprint):
        return rendering.remember_drawing(
            "test", owner, fingerprint, lambda: drawn.append((owner, fingerprint)) or fingerprint,
            max_owners=2)

    assert draw("ann", 1) == 1 and draw("ann", 1) == 1
    assert draw("ann", 2) == 2  # changed: drawn again, and the old drawing is gone
    assert list(rendering._drawings["test"].values()) == [(2, 2)]
    draw("bob", 1), draw("ann", 2)  # ann used last
    draw("cat", 1)  # a third owner: bob, the least recently used, goes
    assert set(rendering._drawings["test"]) == {"ann", "cat"}
    draw("ann", 2)
    assert drawn == [("ann", 1), ("ann", 2), ("bob", 1), ("cat", 1)]
    rendering.forget_drawings()
    draw("ann", 2)
    assert drawn[-1] == ("ann", 2) and len(drawn) == 5


def test_buttons_and_chosen_options_are_memoised_but_typed_text_is_not(app):
    """A submit button's label and a select's chosen option are the portal's own words;
    text typed into an input is not kept."""
    from flask_wtf import FlaskForm
    from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
    from wtforms import SelectField, StringField, SubmitField

    class ChoiceForm(FlaskForm):
        target = SelectField("For", choices=[("a", "Review A"), ("b", "Review B")],
                             widget=GovSelect())
        note = StringField("Note", widget=GovTextInput())
        submit = SubmitField("Submit", widget=GovSubmitInput())

    rendering.forget_all()
    with app.test_request_context("/", method="POST",
                                  data={"target": "b", "note": "Visit to the Smiths"}):
        form = ChoiceForm(meta={"csrf": False})
        assert form.submit() is form.submit()
        assert form.target() is form.target()
        assert "selected" in form.target()
        assert form.note() is not form.note()
    with app.test_request_context("/", method="POST", data={"submit": "Crafted by hand"}):
        crafted = ChoiceForm(meta={"csrf": False})
        assert crafted.submit() is not crafted.submit()  # not the value WTForms gives it
    assert "Smiths" not in repr(rendering._rendered)
    assert "Crafted" not in repr(rendering._rendered)
