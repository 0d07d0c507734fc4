"""The README documents every setting the app reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import SETTINGS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name", ["CAREERCREDIT_ENV", "CAREERCREDIT_CONFIG"] + [f"CAREERCREDIT_{s[0]}" for s in SETTINGS]
)
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README, f"{name} is read by config.py but not documented in README.md"


def test_readme_starts_with_the_two_commands() -> None:
    first = README.index("make run")
    assert first < README.index("## Configuration")
    assert "make test" in README[: first + 200]
