"""The plan page's summary: what happens next to the plan, said to the person looking at it."""

from __future__ import annotations

from careercredit.models import CreditPlan, PlanState, User
from careercredit.plans.workflow import Action

#: The next step in each state, for the plan's student.
FOR_STUDENT = {
    PlanState.draft: "Choose a faculty sponsor, add projects, then submit the plan.",
    PlanState.submitted: "An advisor is reviewing the plan; you will get an e-mail.",
    PlanState.changes_requested: "Make the changes the advisor asked for, then resubmit.",
    PlanState.approved: "Log your hours after each day of work; your supervisor verifies them.",
    PlanState.in_progress: "Log your hours and hand in your deliverables; send the plan for "
    "sign-off once the hours are verified and every project has its final evaluation.",
    PlanState.awaiting_signoff: "Your sponsor is reviewing the plan to sign off the credit.",
    PlanState.signed_off: "The registrar posts the credit to your academic record.",
    PlanState.posted: "The credit is on your record; official records are under My records.",
    PlanState.rejected: "The plan was rejected; start a new plan if you want credit this term.",
    PlanState.withdrawn: "The plan was withdrawn; nothing more happens to it.",
}
#: The next step in each state, for everyone else (staff and the sponsor).
FOR_OTHERS = {
    PlanState.draft: "The student is still writing the plan.",
    PlanState.submitted: "An advisor decides: approve, request changes or reject.",
    PlanState.changes_requested: "The student is making the changes asked for.",
    PlanState.approved: "The student logs hours; supervisors verify them.",
    PlanState.in_progress: "The student logs hours; supervisors verify them and evaluate.",
    PlanState.awaiting_signoff: "The sponsor signs off the grade and credits.",
    PlanState.signed_off: "The registrar posts the credit to the SIS.",
    PlanState.posted: "Posted: the credit is on the student's record.",
    PlanState.rejected: "Rejected: nothing more happens to the plan.",
    PlanState.withdrawn: "Withdrawn: nothing more happens to the plan.",
}


def next_step(plan: CreditPlan, user: User) -> str:
    """What happens next to ``plan``, in words for ``user``; their own action if they have one."""
    if plan.can(Action.approve, user):
        return "Decide the plan below: approve it, request changes or reject it."
    if plan.can(Action.sign_off, user):
        return "Review the hours and feedback, then sign off the grade and credits."
    if user.id == plan.student_id:
        return FOR_STUDENT[plan.state]
    return FOR_OTHERS[plan.state]
