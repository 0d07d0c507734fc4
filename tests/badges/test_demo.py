"""``make run``: the demo signs credentials with its own key; its posted plans carry them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from openbadgeslib.ob3 import OB3Verifier
from sqlalchemy import select

from careercredit.auth.services import directory
from careercredit.badges import services
from careercredit.demo.__main__ import configure_badges
from careercredit.demo.seed import seed_demo
from careercredit.extensions import db
from careercredit.models import BadgeCredential, CreditPlan, PlanState
from config import read_settings
from tests.demo.test_seed import demo, demo_environ  # noqa: F401  (the demo campus fixtures)


def test_demo_posted_plans_carry_verifiable_credentials(
    demo_environ: dict[str, str],  # noqa: F811
    make_app: Callable[..., Flask],
    tmp_path: Path,
) -> None:
    first = dict(demo_environ)
    assert "throwaway demo key" in configure_badges(first, tmp_path)
    again = dict(demo_environ)
    configure_badges(again, tmp_path)  # a second start keeps the key: old credentials verify
    assert again["CAREERCREDIT_BADGE_KEY"] == first["CAREERCREDIT_BADGE_KEY"]
    settings = read_settings(first)
    app = make_app(
        **{k: v for k, v in settings.items() if k.startswith(("LDAP_", "BADGE_"))},
        BASE_URL="https://careercredit.university.example",
    )
    with app.app_context():
        assert seed_demo(directory()) is not None
        posted = db.session.scalars(
            select(CreditPlan).where(CreditPlan.state == PlanState.posted)
        ).all()
        credentials = db.session.scalars(select(BadgeCredential)).all()
        assert posted
        assert {c.plan_id for c in credentials} == {p.id for p in posted}
        key = services.badge_key()
        assert key is not None
        verifier = OB3Verifier(pubkey_pem=key.public_pem)
        for credential in credentials:
            checked = verifier.verify(credential.token)
            assert checked.issuer.id == "did:web:careercredit.university.example"
