"""Loaders that decide 404 for a council's records."""

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.core.db import db
from portal.organisations.models import Cohort


def get_cohort_in_my_organisation(cohort_id: int) -> Cohort:
    # The programme's name heads every cohort page.
    cohort = db.session.get(Cohort, cohort_id, options=[joinedload(Cohort.programme)])
    if cohort is None or cohort.organisation_id != current_user.organisation_id:
        abort(404)
    return cohort
