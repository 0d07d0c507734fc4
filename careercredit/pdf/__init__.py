"""PDF builders: pure functions, data in, bytes out."""

from careercredit.pdf.record import (
    Institution,
    Placement,
    PlanRow,
    RecordData,
    Student,
    TermRecord,
    build_record,
)

__all__ = [
    "Institution",
    "Placement",
    "PlanRow",
    "RecordData",
    "Student",
    "TermRecord",
    "build_record",
]
