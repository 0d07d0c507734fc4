"""The models, one module per aggregate; importing this package registers them all."""

from careercredit.models.audit import AuditEvent
from careercredit.models.catalogue import Employer, Project, ProjectStatus, Supervisor
from careercredit.models.outbox import MessageStatus, OutboxMessage
from careercredit.models.people import Role, User, UserRole
from careercredit.models.plans import CommentKind, CreditPlan, Placement, PlanComment, PlanState
from careercredit.models.terms import Term

__all__ = [
    "AuditEvent",
    "CommentKind",
    "CreditPlan",
    "Employer",
    "MessageStatus",
    "OutboxMessage",
    "Placement",
    "PlanComment",
    "PlanState",
    "Project",
    "ProjectStatus",
    "Role",
    "Supervisor",
    "Term",
    "User",
    "UserRole",
]
