"""The models, one module per aggregate; importing this package registers them all."""

from careercredit.models.audit import AuditEvent
from careercredit.models.badges import BadgeCredential
from careercredit.models.catalogue import Employer, Project, ProjectStatus, Supervisor
from careercredit.models.courses import Course, CourseSection, Scheme, SchemeGrade, SchemeKind
from careercredit.models.deliverables import Deliverable, DeliverableStatus
from careercredit.models.documents import (
    ExportStatus,
    RecordDocument,
    RecordDocumentVersion,
    RecordExport,
    RecordRequest,
    RequestStatus,
)
from careercredit.models.hours import HourEntry, HourStatus
from careercredit.models.jobs import ItemState, JobWorker, RecordExportItem
from careercredit.models.notices import (
    AdvisorAssignment,
    AdvisorRule,
    Delivery,
    Notice,
    NoticeDigest,
    NoticeKind,
    NoticePreference,
)
from careercredit.models.outbox import MessageStatus, OutboxMessage
from careercredit.models.people import Role, User, UserRole
from careercredit.models.plans import CommentKind, CreditPlan, Placement, PlanComment, PlanState
from careercredit.models.records import Amendment, GradeExport, GradingScheme, Posting, SignOff
from careercredit.models.reports import (
    ReportDuration,
    ReportEmployerStart,
    ReportPlanCount,
    ReportSpread,
    ReportTerm,
    ReportTermDay,
    ReportTermEmployer,
    ReportTermStudent,
)
from careercredit.models.supervision import (
    Disclosure,
    Evaluation,
    LinkPurpose,
    RubricCriterion,
    SupervisorLink,
)
from careercredit.models.terms import Term

__all__ = [
    "AdvisorAssignment",
    "AdvisorRule",
    "Amendment",
    "AuditEvent",
    "BadgeCredential",
    "CommentKind",
    "Course",
    "CourseSection",
    "CreditPlan",
    "Deliverable",
    "DeliverableStatus",
    "Delivery",
    "Disclosure",
    "Employer",
    "Evaluation",
    "ExportStatus",
    "GradeExport",
    "GradingScheme",
    "HourEntry",
    "HourStatus",
    "ItemState",
    "JobWorker",
    "LinkPurpose",
    "MessageStatus",
    "Notice",
    "NoticeDigest",
    "NoticeKind",
    "NoticePreference",
    "OutboxMessage",
    "Placement",
    "PlanComment",
    "PlanState",
    "Posting",
    "Project",
    "ProjectStatus",
    "RecordDocument",
    "RecordDocumentVersion",
    "RecordExport",
    "RecordExportItem",
    "RecordRequest",
    "ReportDuration",
    "ReportEmployerStart",
    "ReportPlanCount",
    "ReportSpread",
    "ReportTerm",
    "ReportTermDay",
    "ReportTermEmployer",
    "ReportTermStudent",
    "RequestStatus",
    "Role",
    "RubricCriterion",
    "Scheme",
    "SchemeGrade",
    "SchemeKind",
    "SignOff",
    "Supervisor",
    "SupervisorLink",
    "Term",
    "User",
    "UserRole",
]
