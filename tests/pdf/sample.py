"""Sample records for the PDF tests and the benchmark."""

from datetime import UTC, date, datetime
from decimal import Decimal

from careercredit.pdf import Institution, Placement, PlanRow, RecordData, Student, TermRecord

ISSUED_AT = datetime(2025, 6, 30, 14, 5, tzinfo=UTC)
CODE = "CC-7Q4M-2XKD-9PLA"
URL = "https://records.example.edu/verify/CC-7Q4M-2XKD-9PLA"
SUPERVISORS = ("Zoë Ødegård", "Łukasz Brzęczyszczykiewicz", "Siobhán Ní Bhriain")


def make_plan(n: int) -> PlanRow:
    """Return the n-th sample plan, with one or two placements."""
    placements = [
        Placement(
            employer=f"Ørsted Labs {n}",
            project=f"Field study {n}: wind-farm noise survey",
            verified_hours=Decimal("42.5"),
            feedback_summary=f"{SUPERVISORS[n % 3]}: careful, punctual work; clear reports.",
            deliverables=(f"Survey report {n}", "Data set & notes"),
        )
    ]
    if n % 2:
        placements.append(
            Placement(f"Café Ñandú {n}", "Menu costing", Decimal("12.25"), "Good initiative.")
        )
    hours = sum((p.verified_hours for p in placements), Decimal(0))
    return PlanRow(
        course=f"INT {3900 + n} Internship Practicum",
        section=f"{n:02d}",
        placements=placements,
        verified_hours=hours,
        credits=3,
        grade="A-",
        sponsor_name="Prof. Ana Müller",
        signed_off_on=date(2025, 5, 1 + n % 28),
    )


def make_record(terms: int = 1, plans: int = 2, **changes: object) -> RecordData:
    """Return a record of José Ñúñez with the given number of terms and plans per term."""
    values = dict(
        institution=Institution(
            "Universitat de Ñuble & Åland",
            ("Office of the Registrar", "1 Plaça Major, 08001 Barcelona"),
        ),
        student=Student("José Ñúñez", "S-20231234", "BSc Environmental Engineering"),
        terms=[
            TermRecord(
                f"20{20 + t}FA",
                f"Fall 20{20 + t}",
                [make_plan(t * plans + i) for i in range(plans)],
            )
            for t in range(terms)
        ],
        registrar_name="Zoë Ødegård",
        issued_at=ISSUED_AT,
        verification_code=CODE,
        verification_url=URL,
    )
    values.update(changes)
    return RecordData(**values)
