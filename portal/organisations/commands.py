"""`flask --app portal refresh-copies`: put right the values the portal keeps copies of.

Some columns copy what could be worked out elsewhere, for speed: each cohort membership's
sort name (the candidate's name, for the cohort list's order), each evidence entry's
last_feedback_from (who wrote last in its feedback thread) and each portfolio entry's
awaiting_feedback (from that, for the work queue), and each account's attachment_bytes
(the total size of their files, for the upload quota). The application keeps them all;
workers still running the previous release between a migration and their restart do not.
Run this after such a restart; it is safe to run at any time. Output is counts only.
"""

import click
from flask.cli import with_appcontext

from portal.core.db import db


def refresh_sort_names() -> int:
    """Set every membership's sort name from its candidate's name; the number changed."""
    from sqlalchemy import bindparam, select, update

    from portal.accounts.models import User
    from portal.organisations.models import CohortMembership, sort_name

    wrong = [
        {"membership_id": membership_id, "new_sort_name": sort_name(name)}
        for membership_id, kept, name in db.session.execute(
            select(CohortMembership.id, CohortMembership.sort_name, User.name)
            .join(User, User.id == CohortMembership.candidate_id)).all()
        if kept != sort_name(name)
    ]
    if wrong:
        db.session.connection().execute(
            update(CohortMembership)
            .where(CohortMembership.id == bindparam("membership_id"))
            .values(sort_name=bindparam("new_sort_name")), wrong)
    return len(wrong)


@click.command("refresh-copies")
@with_appcontext
def refresh_copies_command() -> None:
    """Recompute cohort sort names, who wrote last on each evidence entry (and whether each
    portfolio entry awaits feedback) and each person's attachment total."""
    from portal.assessment.feedback import fill_last_feedback_from
    from portal.evidence.attachments import accounts_off_their_total, recount_account

    changed = refresh_sort_names()
    fill_last_feedback_from(db.session.connection())
    db.session.commit()
    totals = 0
    for owner_id in accounts_off_their_total():
        totals += recount_account(owner_id)
        db.session.commit()  # one account's lock at a time: their uploads wait only briefly
    click.echo(f"Sort names corrected: {changed}. Who wrote last: recomputed. "
               f"Attachment totals corrected: {totals}.")
