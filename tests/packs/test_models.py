"""The database refuses a pack in an unknown state, a ready pack without its file, and
progress past its end."""

import pytest
from sqlalchemy.exc import IntegrityError

from portal.core.db import db, utcnow
from portal.packs.models import PackState, PortfolioPack

READY = {"state": PackState.READY, "stored_name": "a" * 32, "sha256": "b" * 64, "size": 10,
         "pages": 3, "steps_done": 4, "steps_total": 4}


@pytest.mark.parametrize("wrong", [{"state": "lost"}, {"stored_name": None}, {"pages": None},
                                   {"steps_done": 5}, {"steps_done": -1}])
def test_the_database_refuses_a_pack_that_makes_no_sense(submission, wrong):
    def pack(**values):
        return PortfolioPack(snapshot_id=submission.snapshot.id,
                             requested_by_id=submission.candidate.id, ready_at=utcnow(),
                             **{**READY, **values})

    db.session.add(pack())
    db.session.flush()  # the right one is accepted
    db.session.add(pack(**wrong))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
