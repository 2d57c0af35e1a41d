"""Who may open a social worker's employment record: the council's programme leads and
administrators (the route's rule), for someone in one of their council's cohorts."""

from flask import abort
from flask_login import current_user
from sqlalchemy import exists, select

from portal.accounts.models import User
from portal.core.db import db
from portal.organisations.models import CohortMembership


def get_social_worker_or_404(candidate_id: int) -> User:
    """A member of one of the signed-in person's council's cohorts; anyone else is 404,
    so the page never says whether another council's person exists."""
    in_a_cohort = exists().where(CohortMembership.candidate_id == User.id)
    person = db.session.scalar(select(User).where(
        User.id == candidate_id, User.organisation_id == current_user.organisation_id,
        in_a_cohort))
    if person is None:
        abort(404)
    return person
