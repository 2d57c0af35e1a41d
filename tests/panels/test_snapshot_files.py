"""Panel members read the snapshot's records in full and open its files, anonymised: a
file is called by its place in the snapshot until the chair reveals who the candidate is."""

from datetime import date

from portal.core.db import db
from portal.panels import agenda
from portal.panels.snapshot_files import file_label
from portal.portfolios import operations as portfolio_operations
from tests import factories
from tests.conftest import page, sign_in
from tests.visibility.world import World

NAME = "Jo Bloggs at home.PDF"


def _world_with_a_file(org):
    world = World(org)
    world.candidate.name = "Jo Bloggs"
    entry = factories.evidence_entry(world.candidate, title="Visit", reflection="Went well")
    portfolio_operations.include_entry(world.candidate, world.portfolio, entry, None)
    factories.attachment(entry, NAME, b"%PDF-1.4 the visit")
    factories.attachment(entry, "notes", b"%PDF-1.4 no extension")
    factories.supervision(world.portfolio, held_on=date(2026, 10, 1),
                          supervisor_name="Sam Lee", topics="Jo Bloggs's caseload")
    factories.protected_time(world.portfolio, activity="Reading on court work")
    factories.support_agreement(world.portfolio, workload_reduction="Ten per cent fewer")
    factories.development_plan(world.portfolio, goals="Court skills")
    factories.kss_self_assessment(world.portfolio, world.first_kss_statement(),
                                  comment="Growing")
    world.to_panel()
    db.session.commit()
    return world


def test_the_page_shows_the_records_in_full_without_names(app, org):
    world = _world_with_a_file(org)
    client = app.test_client()
    sign_in(client, world.member)
    text = client.get(world.panel_url()).get_data(as_text=True)
    for shown in ("Reading on court work", "Ten per cent fewer", "Court skills", "Growing",
                  world.first_kss_statement().title, "Attachment 1.pdf", "Attachment 2"):
        assert shown in text, shown
    for hidden in ("Jo Bloggs", "Sam Lee", NAME):
        assert hidden not in text, hidden
    links = [a["href"] for a in page(client.get(world.panel_url())).select("main a[download]")]
    assert links == [world.panel_url("/files/1"), world.panel_url("/files/2")]


def test_a_member_opens_a_file_under_its_anonymous_name(app, org):
    world = _world_with_a_file(org)
    client = app.test_client()
    sign_in(client, world.member)
    response = client.get(world.panel_url("/files/1"))
    assert response.status_code == 200
    assert response.get_data() == b"%PDF-1.4 the visit"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="Attachment 1.pdf"' in disposition and "Bloggs" not in disposition
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client.get(world.panel_url("/files/3")).status_code == 404


def test_after_the_reveal_files_keep_their_names(app, org):
    world = _world_with_a_file(org)
    item = world.item
    world.decision("Good")
    agenda.reveal_identity(world.chair, item)
    db.session.commit()
    assert file_label(item, NAME, 1) == NAME
    client = app.test_client()
    sign_in(client, world.member)
    assert "Bloggs" in client.get(world.panel_url("/files/1")).headers["Content-Disposition"]


def test_only_the_panels_members_open_its_files(app, org):
    world = _world_with_a_file(org)
    for person in (world.lead, world.assessor, world.candidate,
                   factories.user(org, roles=["panel_member"])):
        db.session.commit()
        client = app.test_client()
        sign_in(client, person)
        assert client.get(world.panel_url("/files/1")).status_code == 404


def test_a_file_name_becomes_its_place_and_its_type():
    class Hidden:
        identity_revealed_at = None

    assert file_label(Hidden(), "Visit.docx", 3) == "Attachment 3.docx"
    assert file_label(Hidden(), "no extension", 2) == "Attachment 2"
    assert file_label(Hidden(), "odd.<script>", 1) == "Attachment 1"
    assert file_label(Hidden(), "C:\\Users\\jo\\Jo Bloggs.pdf", 4) == "Attachment 4.pdf"
