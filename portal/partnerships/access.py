"""Loaders that own the 404 for partnerships: a council sees only the partnerships it is
in, and only the grants it gave can be withdrawn by it."""

from flask import abort
from flask_login import current_user

from portal.core.db import db
from portal.partnerships.models import Partnership, PartnershipGrant


def get_partnership_or_404(partnership_id: int) -> Partnership:
    """Any partnership, for the service administrator."""
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        abort(404)
    return partnership


def get_my_partnership_or_404(partnership_id: int) -> Partnership:
    """A partnership the signed-in person's council is in."""
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or not partnership.has_council(current_user.organisation_id):
        abort(404)
    return partnership


def get_grant_we_gave_or_404(partnership_id: int, grant_id: int) -> PartnershipGrant:
    partnership = get_my_partnership_or_404(partnership_id)
    grant = db.session.get(PartnershipGrant, grant_id)
    if (grant is None or grant.partnership_id != partnership.id
            or grant.granting_organisation_id != current_user.organisation_id):
        abort(404)
    return grant
