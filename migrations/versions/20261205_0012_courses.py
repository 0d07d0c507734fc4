"""Credit courses, grading schemes and course sections; each plan points at its section.

Existing data moves over without loss: the two built-in schemes (S/U, and A
to F with + and -) as rows, a course for each term's ``course_code``, a
section per term from ``term.section`` (graded under the term's scheme), and
every plan pointed at its term's section. The term's own columns stay.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KINDS = ("satisfactory", "pass_fail", "letter", "letter_plus_minus")

#: The built-in schemes, as ``records.GradingScheme`` grades them today:
#: term value -> (name, kind, [(grade, meaning, points, earns credit)]).
BUILT_IN = {
    "satisfactory": (
        "Satisfactory / unsatisfactory",
        "satisfactory",
        [("S", "satisfactory", None, True), ("U", "unsatisfactory", None, False)],
    ),
    "letter": (
        "Letter grades A to F with + and -",
        "letter_plus_minus",
        [
            ("A", "excellent", "4.00", True),
            ("A-", "", "3.67", True),
            ("B+", "", "3.33", True),
            ("B", "good", "3.00", True),
            ("B-", "", "2.67", True),
            ("C+", "", "2.33", True),
            ("C", "satisfactory", "2.00", True),
            ("C-", "", "1.67", True),
            ("D+", "", "1.33", True),
            ("D", "poor", "1.00", True),
            ("F", "fail", "0.00", False),
        ],
    ),
}


def upgrade():
    _create_tables()
    _move_data()


def _create_tables():
    op.create_table(
        "grading_scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="scheme_kind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grading_scheme")),
        sa.UniqueConstraint("name", name=op.f("uq_grading_scheme_name")),
    )
    op.create_table(
        "scheme_grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("meaning", sa.String(length=80), nullable=False),
        sa.Column("points", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("earns_credit", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "points IS NULL OR points BETWEEN 0 AND 5", name=op.f("ck_scheme_grade_points_range")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["grading_scheme.id"],
            name=op.f("fk_scheme_grade_scheme_id_grading_scheme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_grade")),
        sa.UniqueConstraint("scheme_id", "grade", name="uq_scheme_grade_scheme_grade"),
    )
    op.create_index(op.f("ix_scheme_grade_scheme_id"), "scheme_grade", ["scheme_id"])
    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=8), nullable=False),
        sa.Column("number", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("department", sa.String(length=120), nullable=False),
        sa.Column("credits_min", sa.SmallInteger(), nullable=False),
        sa.Column("credits_max", sa.SmallInteger(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "credits_min BETWEEN 0 AND 12 AND credits_max BETWEEN 1 AND 12 "
            "AND credits_min <= credits_max",
            name=op.f("ck_course_credit_range"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["grading_scheme.id"], name=op.f("fk_course_scheme_id_grading_scheme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
        sa.UniqueConstraint("subject", "number", name="uq_course_subject_number"),
    )
    op.create_index(op.f("ix_course_department"), "course", ["department"])
    op.create_index(op.f("ix_course_scheme_id"), "course", ["scheme_id"])
    op.create_table(
        "course_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=8), nullable=False),
        sa.Column("class_number", sa.String(length=16), nullable=True),
        sa.Column("instructor_id", sa.Integer(), nullable=True),
        sa.Column("scheme_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_course_section_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["instructor_id"], ["user.id"], name=op.f("fk_course_section_instructor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["grading_scheme.id"],
            name=op.f("fk_course_section_scheme_id_grading_scheme"),
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["term.id"], name=op.f("fk_course_section_term_id_term")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_section")),
        sa.UniqueConstraint(
            "term_id", "course_id", "section", name="uq_course_section_term_section"
        ),
        sa.UniqueConstraint("term_id", "class_number", name="uq_course_section_term_class_number"),
    )
    for column in ("term_id", "course_id", "instructor_id", "scheme_id"):
        op.create_index(op.f(f"ix_course_section_{column}"), "course_section", [column])
    with op.batch_alter_table("credit_plan") as batch_op:
        batch_op.add_column(sa.Column("section_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_credit_plan_section_id_course_section"),
            "course_section",
            ["section_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_credit_plan_section_id"), ["section_id"])


def _move_data():
    bind = op.get_bind()
    scheme = sa.table(
        "grading_scheme", sa.column("id"), sa.column("name"), sa.column("kind", sa.String)
    )
    grade = sa.table(
        "scheme_grade",
        *(sa.column(c) for c in ("scheme_id", "position", "grade", "meaning", "points")),
        sa.column("earns_credit", sa.Boolean),
    )
    course = sa.table(
        "course",
        *(sa.column(c) for c in ("id", "subject", "number", "title", "department")),
        *(sa.column(c) for c in ("credits_min", "credits_max", "scheme_id")),
    )
    section = sa.table(
        "course_section",
        *(sa.column(c) for c in ("id", "term_id", "course_id", "section")),
        sa.column("scheme_id"),
    )
    scheme_ids = {}
    for value, (name, kind, grades) in BUILT_IN.items():
        scheme_ids[value] = bind.execute(
            scheme.insert().values(name=name, kind=kind).returning(scheme.c.id)
        ).scalar_one()
        bind.execute(
            grade.insert(),
            [
                {
                    "scheme_id": scheme_ids[value],
                    "position": i,
                    "grade": g,
                    "meaning": m,
                    "points": p,
                    "earns_credit": earns,
                }
                for i, (g, m, p, earns) in enumerate(grades)
            ],
        )
    terms = bind.execute(
        sa.text(
            "SELECT id, course_code, section, grading_scheme, max_credits FROM term ORDER BY id"
        )
    ).all()
    courses: dict[str, tuple[int, str]] = {}
    for term_id, code, section_code, term_scheme, _ in terms:
        if code not in courses:
            subject, _, number = code.rpartition(" ")
            most = max(t.max_credits for t in terms if t.course_code == code)
            course_id = bind.execute(
                course.insert()
                .values(
                    subject=(subject or code)[:8],
                    number=number[:8] if subject else "",
                    title="Micro-internship credit",
                    department="",
                    credits_min=1,
                    credits_max=most,
                    scheme_id=scheme_ids[term_scheme],
                )
                .returning(course.c.id)
            ).scalar_one()
            courses[code] = (course_id, term_scheme)
        course_id, course_scheme = courses[code]
        override = scheme_ids[term_scheme] if term_scheme != course_scheme else None
        section_id = bind.execute(
            section.insert()
            .values(term_id=term_id, course_id=course_id, section=section_code, scheme_id=override)
            .returning(section.c.id)
        ).scalar_one()
        bind.execute(
            sa.text("UPDATE credit_plan SET section_id = :section WHERE term_id = :term"),
            {"section": section_id, "term": term_id},
        )


def downgrade():
    with op.batch_alter_table("credit_plan") as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_plan_section_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_credit_plan_section_id_course_section"), type_="foreignkey"
        )
        batch_op.drop_column("section_id")
    op.drop_table("course_section")
    op.drop_table("course")
    op.drop_table("scheme_grade")
    op.drop_table("grading_scheme")
