"""Who may ask for and download a pack: exactly those who may read the snapshot, each their
own; a panel member only the anonymised one from the agenda; another council's nobody."""

import pytest
from sqlalchemy import select

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.packs import operations, pdf
from portal.packs.models import PackState, PortfolioPack
from tests import factories
from tests.packs.conftest import client_for
from tests.packs.test_pack_pdf import build_and_download, panel_pack_url, snapshot_pack_url


def _packs() -> list[PortfolioPack]:
    db.session.expire_all()
    return db.session.scalars(select(PortfolioPack).order_by(PortfolioPack.id)).all()


@pytest.mark.parametrize("who", ["candidate", "assessor", "lead"])
def test_readers_of_the_snapshot_get_their_own_pack(app, submission, council, who):
    user = {"candidate": submission.candidate, "assessor": council["assessor"],
            "lead": council["lead"]}[who]
    download = build_and_download(client_for(app, user), snapshot_pack_url(submission))
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert [p.requested_by_id for p in _packs()] == [user.id]
    assert not _packs()[0].anonymised


def test_a_pack_is_downloaded_only_by_the_person_who_asked(app, submission, council):
    build_and_download(client_for(app, submission.candidate), snapshot_pack_url(submission))
    assessor = client_for(app, council["assessor"])
    assert assessor.post(snapshot_pack_url(submission) + "/download").status_code == 404
    assert b"/download" not in assessor.get(snapshot_pack_url(submission)).data


def test_a_panel_member_reads_no_pack_from_the_portfolio(app, submission, council):
    member = client_for(app, council["members"][0])
    url = snapshot_pack_url(submission)
    assert member.get(url).status_code == 404
    assert member.post(url).status_code == 404
    assert _packs() == []


def test_the_line_manager_reads_no_pack(app, submission, council):
    manager = factories.user(council["org"], roles=["line_manager"])
    assign(council["lead"], submission.candidate, manager, AssignmentRole.LINE_MANAGER,
           submission.portfolio.start_date)
    db.session.commit()
    client = client_for(app, manager)
    assert client.get(snapshot_pack_url(submission)).status_code == 404
    assert client.post(snapshot_pack_url(submission)).status_code == 404


def test_another_councils_people_get_404(app, submission):
    elsewhere = factories.organisation("Another council")
    lead = factories.user(elsewhere, roles=["programme_lead", "panel_member"])
    db.session.commit()
    client = client_for(app, lead)
    for url in (snapshot_pack_url(submission), panel_pack_url(submission)):
        assert client.get(url).status_code == 404
        assert client.get(url + "/status").status_code == 404
        assert client.post(url).status_code == 404
        assert client.post(url + "/download").status_code == 404
    assert _packs() == []


def test_every_post_needs_the_csrf_token(app, submission):
    client = client_for(app, submission.candidate)
    url = snapshot_pack_url(submission)
    assert client.post(url, csrf=False).status_code == 400
    assert _packs() == []
    build_and_download(client, url)
    assert client.post(url + "/download", csrf=False).status_code == 400


def test_asking_twice_while_it_is_built_makes_one_pack(app, submission):
    first = operations.request_pack(submission.candidate, submission.snapshot)
    again = operations.request_pack(submission.candidate, submission.snapshot)
    assert first.id == again.id and first.state == PackState.QUEUED
    db.session.rollback()


def test_the_status_fragment_polls_while_the_job_builds_it(app, submission):
    operations.request_pack(submission.candidate, submission.snapshot)
    db.session.rollback()  # forgets the in-process job: the pack stays queued
    pack = PortfolioPack(snapshot_id=submission.snapshot.id,
                         requested_by_id=submission.candidate.id, state=PackState.BUILDING,
                         steps_done=2, steps_total=5)
    db.session.add(pack)
    db.session.commit()
    fragment = client_for(app, submission.candidate).get(
        snapshot_pack_url(submission) + "/status")
    html = fragment.get_data(as_text=True)
    assert 'hx-trigger="load delay:2s"' in html and "step 2 of 5" in html
    assert "Check again" in html


def test_a_failed_build_is_shown_cleanly_and_may_be_asked_again(app, submission, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "render_body", broken)
    client = client_for(app, submission.candidate)
    url = snapshot_pack_url(submission)
    assert client.post(url).status_code == 303
    assert [(p.state, p.last_error) for p in _packs()] == [(PackState.FAILED, "OSError")]
    shown = client.get(url)
    assert shown.status_code == 200
    assert b"The pack could not be prepared" in shown.data and b"Try again" in shown.data
    assert client.post(url + "/download").status_code == 404
    monkeypatch.undo()
    assert build_and_download(client, url).status_code == 200
    assert [p.state for p in _packs()] == [PackState.FAILED, PackState.READY]


def test_on_postgresql_the_request_queues_the_job_with_the_pack(app, submission, postgres_queue):
    client = client_for(app, submission.candidate)
    url = snapshot_pack_url(submission)
    assert client.post(url).status_code == 303
    (pack,) = _packs()
    assert pack.state == PackState.QUEUED
    assert b'hx-trigger="load delay:2s"' in client.get(url + "/status").data
    with db.engine.connect() as connection:
        queued = connection.execute(db.text(
            "SELECT task_name, args FROM procrastinate_jobs "
            "WHERE task_name = 'packs.build_pack'")).all()
    assert queued == [("packs.build_pack", {"pack_id": pack.id})]
    operations.build_pack(pack_id=pack.id)  # what the worker runs
    assert _packs()[0].state == PackState.READY
    assert client.post(url + "/download").status_code == 200
