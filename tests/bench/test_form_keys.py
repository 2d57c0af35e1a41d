"""The benchmark's uploads each carry their own one-time form key (portal.core.once), or
every upload after the first would store nothing, and a run takes its keys back out."""

from sqlalchemy import func, select

from bench.instructions import _upload_fetch
from bench.run import FORM_KEY_SLOT, fresh_form_key, multipart, wrk_script
from bench.uploads import _marks, remove_uploads_since
from portal.core import once
from portal.core.db import db
from portal.core.forms import FORM_KEY
from portal.evidence.models import Attachment
from tests import factories
from tests.conftest import sign_in


def test_an_upload_body_has_a_slot_for_its_key_and_wrk_fills_it_per_request():
    body, _content_type = multipart("token", "a.pdf", b"%PDF-1.4\n")
    assert body.count(FORM_KEY_SLOT.encode()) == 1
    assert FORM_KEY.fullmatch(FORM_KEY_SLOT) and FORM_KEY.fullmatch(fresh_form_key())
    script = wrk_script([("POST", "/evidence/1/attachments", "cookie", body, "multipart")])
    assert f'local slot = "{FORM_KEY_SLOT}"' in script
    # Each keyed request is built again with a key of the run, thread and count.
    assert 'string.format("b%s%03d%020d", run, thread_no or 0, sent)' in script
    assert "k[4] .. key .. k[5]" in script
    assert wrk_script([]) != wrk_script([])  # each run has its own prefix


def test_the_instruction_counters_upload_stores_a_file_each_time(app, client, org):
    candidate = factories.user(org, roles=["candidate"])
    entry = factories.evidence_entry(candidate)
    sign_in(client, candidate)
    path = f"/evidence/{entry.id}/attachments"
    fetch = _upload_fetch(client, path, f"/evidence/{entry.id}")
    fetch()
    fetch()
    assert db.session.scalar(select(func.count(Attachment.id))) == 2


def test_a_run_takes_its_form_keys_back_out_and_leaves_everyone_elses(org):
    bench = factories.user(org, email="cara@bench.example.org")
    real = factories.user(org, email="real@example.org")
    once.claim(bench.id, fresh_form_key())
    db.session.commit()
    marks = _marks(db.session.connection())
    for person in (bench, bench, real):
        once.claim(person.id, fresh_form_key())
    db.session.commit()
    remove_uploads_since(db.session.connection(), marks)
    db.session.commit()
    kept = db.session.execute(select(once.FormSubmission.user_id)).scalars().all()
    assert sorted(kept) == sorted([bench.id, real.id])


def test_the_bench_sends_the_cookie_its_production_server_sets(tmp_path, monkeypatch):
    """The bench server runs with production's settings, whose session cookie carries the
    __Host- prefix; a bench sending the plain name would never be signed in."""
    from bench.run import COOKIE_NAME, server_environment
    from portal import config as portal_config

    for name, value in server_environment("sqlite:///" + str(tmp_path / "b.db"),
                                          tmp_path).items():
        monkeypatch.setenv(name, value)
    settings = portal_config.settings_from_environment(tmp_path / "instance")
    portal_config.finalise(settings, tmp_path / "instance")
    assert settings["SESSION_COOKIE_NAME"] == COOKIE_NAME == "__Host-portal_session"
