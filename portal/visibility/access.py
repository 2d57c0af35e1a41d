"""Enforcing the table: what one person may do with one candidate's records.

Every loader that opens a candidate's record asks here, with the kind of record and the
candidate it belongs to: `require(Kind.SUPERVISION, portfolio.candidate_id)` aborts with
404 (the record does not exist for them) or returns the `Viewer`, which the page then asks
whether it may show edit buttons (`viewer.can_edit(kind)`) and, for a previous assessor,
which records to leave out (`viewer.made_before(kind)`).

Panel membership is the one relation decided elsewhere (by the panels package, which sits
above this one): a panel's loader checks the person sits on the panel whose agenda holds the
record and passes `on_panel=True`.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort, current_app
from flask_login import current_user

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assignments.access import assesses, last_assessed_on, manages
from portal.core import audit
from portal.core.dates import UK, today_in_england
from portal.core.db import db
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import shares
from portal.visibility.table import PORTFOLIO_KINDS, STRENGTH, TABLE, Access, Kind, Relation

# The audit action written when someone outside the candidate's assessors opens a record
# whose cell is "read, audited".
READ_ACTIONS = {Kind.EVIDENCE: "reflection_read", Kind.ATTACHMENT: "attachment_read",
                Kind.SNAPSHOT: "snapshot_read"}


def _day(made: date | datetime) -> date:
    """The day in England a record was made (a timestamp is stored in UTC)."""
    if isinstance(made, datetime):
        return made.astimezone(UK).date() if made.tzinfo else made.date()
    return made


@dataclass(frozen=True)
class Viewer:
    """One person looking at one candidate's records."""

    user: User
    candidate_id: int
    relations: frozenset[Relation]
    # A previous assessor: the day their assignment ended. They read only what was made
    # up to that day (a date is all the assignment keeps of the moment it changed hands).
    assessed_until: date | None = None
    # The candidate's account when someone else looks (held, so the page that shows their
    # name does not load it again).
    candidate: User | None = None

    def access(self, kind: Kind, made: date | datetime | None = None) -> Access:
        """The most generous cell of the viewer's relations. With `made` (the record's
        date), a previous assessor's cell counts only for work made up to their
        reassignment; without it, the question is about the page, whose rows
        `made_before` then narrows."""
        best = Access.NONE
        for relation in self.relations:
            if (relation is Relation.PREVIOUS_ASSESSOR and made is not None
                    and _day(made) > self.assessed_until):
                continue
            cell = TABLE[kind][relation]
            if STRENGTH[cell] > STRENGTH[best]:
                best = cell
        return best

    def can_read(self, kind: Kind, made: date | datetime | None = None) -> bool:
        return self.access(kind, made).reads

    def can_edit(self, kind: Kind) -> bool:
        return self.access(kind) is Access.EDIT

    def audited(self, kind: Kind, made: date | datetime | None = None) -> bool:
        return self.access(kind, made) is Access.AUDITED

    def made_before(self, kind: Kind) -> date | None:
        """For lists: records made on or after this day are left out (None: nothing is).
        Only a previous assessor's lists are cut, and only when no other relation of
        theirs reads the kind in full."""
        if Relation.PREVIOUS_ASSESSOR not in self.relations:
            return None
        others = self.relations - {Relation.PREVIOUS_ASSESSOR}
        if any(TABLE[kind][relation].reads for relation in others):
            return None
        return self.assessed_until + timedelta(days=1)

    @property
    def is_candidate(self) -> bool:
        return Relation.CANDIDATE in self.relations

    @property
    def opens_portfolio(self) -> bool:
        """Reads at least one kind of the live portfolio, so may open its overview."""
        return any(self.can_read(kind) for kind in PORTFOLIO_KINDS)


def previous_assessor_days() -> int:
    return current_app.config["PREVIOUS_ASSESSOR_DAYS"]


def viewer(user: User, candidate_id: int, *, on_panel: bool = False) -> Viewer:
    """How `user` stands to the candidate. Nobody outside the candidate's council stands
    in any relation to them."""
    if not user.is_authenticated:
        return Viewer(user, candidate_id, frozenset())
    if user.id == candidate_id:
        return Viewer(user, candidate_id, frozenset({Relation.CANDIDATE}))
    candidate = db.session.get(User, candidate_id)
    if candidate is None:
        return Viewer(user, candidate_id, frozenset())
    if candidate.organisation_id != user.organisation_id:
        # A guest panel member from a partnership council reads what the panel reads,
        # and nothing else, while the candidate's council shares its panel membership.
        if on_panel and shares(candidate.organisation_id, user.organisation_id,
                               SharedPurpose.PANEL_MEMBERSHIP, today_in_england()):
            return Viewer(user, candidate_id, frozenset({Relation.PANEL_MEMBER}), None,
                          candidate)
        return Viewer(user, candidate_id, frozenset())
    relations: set[Relation] = set()
    assessed_until = None
    if assesses(user, candidate_id):
        relations.add(Relation.ASSESSOR)
    else:
        ended = last_assessed_on(user, candidate_id)
        if ended is not None and today_in_england() <= ended + timedelta(
                days=previous_assessor_days()):
            relations.add(Relation.PREVIOUS_ASSESSOR)
            assessed_until = ended
    if manages(user, candidate_id):
        relations.add(Relation.LINE_MANAGER)
    relations.update(relation for relation, role in COUNCIL_ROLES.items()
                     if user.has_role(role))
    if on_panel:
        relations.add(Relation.PANEL_MEMBER)
    return Viewer(user, candidate_id, frozenset(relations), assessed_until, candidate)


# The relations a person holds across their whole council, by role alone.
COUNCIL_ROLES = {Relation.PROGRAMME_LEAD: Role.PROGRAMME_LEAD,
                 Relation.ADMINISTRATOR: Role.ADMINISTRATOR}


def opens_council_portfolios(user: User) -> bool:
    """Whether the user's council-wide roles alone let them open every portfolio of their
    council (so lists of the council's candidates may link to each portfolio)."""
    held = [relation for relation, role in COUNCIL_ROLES.items()
            if user.is_authenticated and user.has_role(role)]
    return any(TABLE[kind][relation].reads for kind in PORTFOLIO_KINDS for relation in held)


def can_read(user: User, kind: Kind, candidate_id: int, made: date | datetime | None = None,
             *, on_panel: bool = False) -> bool:
    return viewer(user, candidate_id, on_panel=on_panel).can_read(kind, made)


def can_edit(user: User, kind: Kind, candidate_id: int) -> bool:
    return viewer(user, candidate_id).can_edit(kind)


def require(kind: Kind, candidate_id: int, made: date | datetime | None = None, *,
            edit: bool = False, on_panel: bool = False) -> Viewer:
    """The signed-in person's viewer if they may read (or, with `edit`, change) this kind
    of the candidate's records; otherwise the record does not exist for them (404)."""
    seen_by = viewer(current_user, candidate_id, on_panel=on_panel)
    allowed = seen_by.can_edit(kind) if edit else seen_by.can_read(kind, made)
    if not allowed:
        abort(404)
    return seen_by


def record_reading(seen_by: Viewer, kind: Kind, target,
                   made: date | datetime | None = None) -> bool:
    """Write the audit row for an audited reading (who and when; what is the target).
    Nothing for the candidate and their assessors. The view commits it."""
    if not seen_by.audited(kind, made):
        return False
    audit.record(seen_by.user, READ_ACTIONS.get(kind, f"{kind.value}_read"), target,
                 candidate_id=seen_by.candidate_id)
    return True
