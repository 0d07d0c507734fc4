"""Stored files follow their rows: draft deletion, rollbacks, and ``flask uploads check``."""

from __future__ import annotations

import io
import os
import time

from careercredit.deliverables.storage import DirectoryStorage
from careercredit.extensions import db
from careercredit.models import CreditPlan, Deliverable, PlanState
from tests.deliverables.conftest import PDF, PNG, Case
from tests.plans.conftest import post_form


def test_the_storage_interface(tmp_path) -> None:
    storage = DirectoryStorage(tmp_path / "files")
    assert list(storage.keys()) == []
    key = storage.save(io.BytesIO(b"hello"))
    assert storage.exists(key)
    assert list(storage.keys()) == [key]
    with storage.open(key) as stored:
        assert stored.read() == b"hello"
    assert os.listdir(tmp_path / "files") == [key]  # no temporary file left behind
    storage.delete(key)
    storage.delete(key)
    assert not storage.exists(key)
    assert not storage.exists("../etc/passwd")


def test_deleting_a_draft_deletes_its_files(case: Case) -> None:
    case.upload("report.pdf", PDF)
    case.upload("chart.png", PNG, title="Chart")
    assert len(case.stored()) == 2
    with case.app.app_context():
        db.session.get(CreditPlan, case.plan_id).state = PlanState.draft
        db.session.commit()
    page = f"/plans/{case.plan_id}/delete"
    assert post_form(case.student, page, page).status_code == 302
    assert case.rows() == 0
    assert case.stored() == []


def test_files_stay_when_the_deletion_is_rolled_back(case: Case) -> None:
    case.upload("report.pdf", PDF)
    with case.app.app_context():
        db.session.delete(db.session.scalars(db.select(Deliverable)).one())
        db.session.flush()
        db.session.rollback()
    assert case.rows() == 1
    assert len(case.stored()) == 1


def test_uploads_check_reports_orphans_and_missing_files(case: Case) -> None:
    runner = case.app.test_cli_runner()
    assert runner.invoke(args=["uploads", "check"]).exit_code == 0
    case.upload("report.pdf", PDF)
    case.upload("chart.png", PNG, title="Chart")
    kept, gone = sorted(case.stored())
    (case.upload_dir / gone).unlink()
    orphan = DirectoryStorage(case.upload_dir).save(io.BytesIO(b"left over"))

    result = runner.invoke(args=["uploads", "check"])
    assert result.exit_code == 1
    assert f"orphan file {orphan}" in result.output
    assert f"missing file {gone}" in result.output
    assert kept not in result.output

    # A fresh orphan may be an upload being saved: it stays until it is old enough.
    result = runner.invoke(args=["uploads", "check", "--delete-orphans"])
    assert (case.upload_dir / orphan).exists()
    assert result.exit_code == 1
    old = time.time() - 2 * 3600
    os.utime(case.upload_dir / orphan, (old, old))
    result = runner.invoke(args=["uploads", "check", "--delete-orphans"])
    assert f"deleted orphan file {orphan}" in result.output
    assert not (case.upload_dir / orphan).exists()
    assert result.exit_code == 1  # the missing file is still missing

    with case.app.app_context():
        db.session.delete(
            db.session.scalars(db.select(Deliverable).filter_by(storage_key=gone)).one()
        )
        db.session.commit()
    result = runner.invoke(args=["uploads", "check"])
    assert result.exit_code == 0, result.output
