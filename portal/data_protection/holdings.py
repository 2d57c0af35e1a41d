"""What the portal holds about one person, read kind by kind for a subject access export.

Each file of the export is a list of kinds of record; each kind is one model and the
condition that picks this person's rows. Every kind is read with one statement (the
person's portfolios and entries are subqueries, not loops), so the export runs the same
number of statements however much the person has written.

Secrets are never read at all: columns named in SECRET_COLUMNS are left out of the SELECT,
so a password hash, session token or the hash of a link's secret cannot reach the zip.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from portal.accounts.invitations import Invitation
from portal.accounts.models import PasswordResetToken, User, UserRole
from portal.assessment.models import (
    EvidenceFeedback,
    FeedbackRequest,
    Observation,
    ObservationLink,
)
from portal.assignments.models import Assignment
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.evidence.models import Attachment, EvidenceDraft, EvidenceEntry, EvidenceLink
from portal.notifications.email_models import OutgoingEmail
from portal.notifications.models import Notification
from portal.organisations.models import Cohort, CohortMembership, Team
from portal.panels.letter_models import OutcomeLetter
from portal.panels.models import (
    AgendaItem,
    CareerLevelRecord,
    DecisionAction,
    DecisionDomain,
    DecisionReviewRequest,
    PanelDecision,
)
from portal.portfolios.models import (
    DevelopmentPlan,
    KssRating,
    KssSelfAssessment,
    Portfolio,
    PortfolioEntry,
    PortfolioReviewPoint,
    PortfolioSnapshot,
    ProtectedTimeRecord,
    ScheduleChange,
    SupervisionRecord,
    SupportAgreement,
    SupportAgreementVersion,
)
from portal.portfolios.reviews.models import AgreedAction, DomainProgress, ReviewReport, SupportPlan
from portal.reminders.models import ReminderOptOut, ReminderSent
from portal.reports.models import LeavingRecord, ProfessionalRegistration, TeamChange

# Secrets (the person's own and anyone else's): never selected.
SECRET_COLUMNS = frozenset({"password_hash", "session_token", "token_hash"})
# Where storage keeps a file says nothing about the person; the zip has the file itself.
INTERNAL_COLUMNS = frozenset({"stored_name"})

# A kind of record: its name in the file, its model, and which rows are this person's.
Kind = tuple[str, type, ColumnElement[bool]]


def files_for(subject_id: int) -> dict[str, list[Kind]]:
    """The export's JSON files, each a list of kinds of record about `subject_id`."""
    portfolios = select(Portfolio.id).where(Portfolio.candidate_id == subject_id)
    entries = select(EvidenceEntry.id).where(EvidenceEntry.candidate_id == subject_id)
    agreements = select(SupportAgreement.id).where(SupportAgreement.portfolio_id.in_(portfolios))
    self_assessments = select(KssSelfAssessment.id).where(
        KssSelfAssessment.portfolio_id.in_(portfolios))
    reports = select(ReviewReport.id).where(ReviewReport.portfolio_id.in_(portfolios))
    observations = select(Observation.id).where(Observation.candidate_id == subject_id)
    decisions = select(PanelDecision.id).where(PanelDecision.portfolio_id.in_(portfolios))
    return {
        "account.json": [
            ("account", User, User.id == subject_id),
            ("roles", UserRole, UserRole.user_id == subject_id),
            ("invitations", Invitation, Invitation.user_id == subject_id),
            ("password_resets", PasswordResetToken, PasswordResetToken.user_id == subject_id),
            ("assignments", Assignment, or_(Assignment.candidate_id == subject_id,
                                            Assignment.staff_id == subject_id)),
            ("career_levels", CareerLevelRecord, CareerLevelRecord.user_id == subject_id),
        ],
        "team.json": [
            ("team", Team, Team.id == select(User.team_id).where(
                User.id == subject_id).scalar_subquery()),
            ("team_changes", TeamChange, TeamChange.candidate_id == subject_id),
            ("leaving_records", LeavingRecord, LeavingRecord.candidate_id == subject_id),
            ("registration", ProfessionalRegistration,
             ProfessionalRegistration.candidate_id == subject_id),
        ],
        "cohort_memberships.json": [
            ("memberships", CohortMembership, CohortMembership.candidate_id == subject_id),
            ("cohorts", Cohort, Cohort.id.in_(select(CohortMembership.cohort_id).where(
                CohortMembership.candidate_id == subject_id))),
        ],
        "evidence.json": [
            ("entries", EvidenceEntry, EvidenceEntry.candidate_id == subject_id),
            ("framework_links", EvidenceLink, EvidenceLink.entry_id.in_(entries)),
            ("assessor_feedback", EvidenceFeedback, EvidenceFeedback.entry_id.in_(entries)),
            ("unsaved_drafts", EvidenceDraft, EvidenceDraft.candidate_id == subject_id),
        ],
        "attachments.json": [
            ("attachments", Attachment, _attachments_of(subject_id)),
        ],
        "portfolios.json": [
            ("portfolios", Portfolio, Portfolio.candidate_id == subject_id),
            ("review_points", PortfolioReviewPoint,
             PortfolioReviewPoint.portfolio_id.in_(portfolios)),
            ("schedule_changes", ScheduleChange, ScheduleChange.portfolio_id.in_(portfolios)),
            ("entries_in_portfolios", PortfolioEntry, PortfolioEntry.portfolio_id.in_(portfolios)),
        ],
        "records.json": [
            ("supervision", SupervisionRecord, SupervisionRecord.portfolio_id.in_(portfolios)),
            ("protected_time", ProtectedTimeRecord,
             ProtectedTimeRecord.portfolio_id.in_(portfolios)),
            ("support_agreements", SupportAgreement,
             SupportAgreement.portfolio_id.in_(portfolios)),
            ("support_agreement_versions", SupportAgreementVersion,
             SupportAgreementVersion.agreement_id.in_(agreements)),
            ("development_plans", DevelopmentPlan, DevelopmentPlan.portfolio_id.in_(portfolios)),
            ("kss_self_assessments", KssSelfAssessment,
             KssSelfAssessment.portfolio_id.in_(portfolios)),
            ("kss_ratings", KssRating, KssRating.assessment_id.in_(self_assessments)),
        ],
        "snapshots.json": [
            ("snapshots", PortfolioSnapshot, PortfolioSnapshot.portfolio_id.in_(portfolios)),
        ],
        "review_reports.json": [
            ("review_reports", ReviewReport, ReviewReport.portfolio_id.in_(portfolios)),
            ("domain_progress", DomainProgress, DomainProgress.report_id.in_(reports)),
            ("agreed_actions", AgreedAction, AgreedAction.report_id.in_(reports)),
            ("observations", Observation, Observation.candidate_id == subject_id),
            ("observation_links", ObservationLink,
             ObservationLink.observation_id.in_(observations)),
        ],
        "outside_feedback.json": [
            ("feedback_requests", FeedbackRequest, FeedbackRequest.candidate_id == subject_id),
        ],
        "support_plans.json": [
            ("support_plans", SupportPlan, SupportPlan.portfolio_id.in_(portfolios)),
        ],
        "panel_decisions.json": [
            ("agenda_items", AgendaItem, AgendaItem.portfolio_id.in_(portfolios)),
            ("decisions", PanelDecision, PanelDecision.portfolio_id.in_(portfolios)),
            ("decision_domains", DecisionDomain, DecisionDomain.decision_id.in_(decisions)),
            ("decision_actions", DecisionAction, DecisionAction.decision_id.in_(decisions)),
            ("outcome_letters", OutcomeLetter, OutcomeLetter.decision_id.in_(decisions)),
            ("review_requests", DecisionReviewRequest,
             DecisionReviewRequest.candidate_id == subject_id),
        ],
        "notifications.json": [
            ("notifications", Notification, Notification.recipient_id == subject_id),
            ("reminders_sent", ReminderSent, ReminderSent.recipient_id == subject_id),
            ("reminder_opt_outs", ReminderOptOut, ReminderOptOut.user_id == subject_id),
        ],
        "emails.json": [
            ("emails", OutgoingEmail, OutgoingEmail.recipient_id == subject_id),
        ],
        "audit.json": [
            ("audit_events", AuditEvent, or_(
                AuditEvent.actor_id == subject_id,
                and_(AuditEvent.object_type == User.__tablename__,
                     AuditEvent.object_id == subject_id))),
        ],
    }


def _attachments_of(subject_id: int) -> ColumnElement[bool]:
    entries = select(EvidenceEntry.id).where(EvidenceEntry.candidate_id == subject_id)
    return or_(Attachment.owner_id == subject_id, Attachment.entry_id.in_(entries))


def attachment_files(subject_id: int) -> list[Any]:
    """The person's attachments with where storage keeps them (for copying into the zip)."""
    return db.session.execute(
        select(Attachment.id, Attachment.original_name, Attachment.stored_name)
        .where(_attachments_of(subject_id)).order_by(Attachment.id)).all()


def shown_columns(model: type) -> list:
    """The model's columns that go into the export: all but secrets and storage names."""
    hidden = SECRET_COLUMNS | INTERNAL_COLUMNS
    return [column for column in model.__table__.columns if column.name not in hidden]


def read_kind(model: type, condition: ColumnElement[bool]) -> list[dict]:
    """This kind's rows as plain dicts (one statement; secrets never selected)."""
    statement = (select(*shown_columns(model)).where(condition)
                 .order_by(*model.__table__.primary_key.columns))
    return [{key: plain(value) for key, value in row.items()}
            for row in db.session.execute(statement).mappings()]


def read_file(kinds: list[Kind]) -> dict[str, list[dict]]:
    return {name: read_kind(model, condition) for name, model, condition in kinds}


def plain(value: Any) -> Any:
    """A value JSON can hold: dates and times as ISO 8601, everything else as it is."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def read_all(subject_id: int) -> dict[str, dict[str, list[dict]]]:
    """Every file's kinds of record about the person, read (one statement per kind)."""
    return {filename: read_file(kinds) for filename, kinds in files_for(subject_id).items()}
