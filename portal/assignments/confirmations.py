"""What ending an assignment says on its confirmation page (portal.core.confirm), before
the programme lead confirms it."""

from flask import url_for

from portal.assignments.models import Assignment, AssignmentRole
from portal.core.confirm import Confirmation


def end_assignment_confirmation(assignment: Assignment) -> Confirmation:
    what = "assessor" if assignment.role == AssignmentRole.ASSESSOR.value else "line manager"
    staff, candidate = assignment.staff.name, assignment.candidate.name
    back = url_for("assignments.candidate", candidate_id=assignment.candidate_id)
    return Confirmation(
        question=f"Are you sure {staff} is no longer {candidate}'s {what}?",
        caption="End an assignment",
        consequences=(
            f"{staff} will stop being {candidate}'s {what} from today.",
            "Both of them will be told.",
            f"The assignment stays in {candidate}'s history. To have {staff} back, assign "
            "them again.",
        ),
        action_url=url_for("assignments.end", candidate_id=assignment.candidate_id,
                           assignment_id=assignment.id),
        button=f"Yes, end this {what} assignment", cancel_url=back,
        cancel_text="No, keep them assigned")
