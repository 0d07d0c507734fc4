"""A person at a browser, and the axe-core audit of every page they reach.

``Person`` wraps one browser context and one tab. Its ``open`` and
``submit`` wait for the page, refuse a server error, and hand the page to
the ``Auditor``, which injects axe-core and fails on any violation of impact
"serious" or "critical", and on anything the Content-Security-Policy blocked
(an inline script or style).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def _axe_script() -> Path | None:
    """The newest axe-core that ``make`` installed into .cache/, if any."""
    found = sorted(
        ROOT.glob(".cache/axe-core-*/node_modules/axe-core/axe.min.js"),
        key=lambda path: [int(n) for n in re.findall(r"\d+", path.parts[-4])],
    )
    return found[-1] if found else None


AXE_SCRIPT = _axe_script()
#: Impacts that fail a page; "minor" and "moderate" findings are left to review.
FAILING_IMPACTS = frozenset({"serious", "critical"})
#: Every rule axe ships (WCAG 2.0/2.1/2.2 A and AA, and best practices); only results we read.
AXE_OPTIONS = {"resultTypes": ["violations"]}


def describe(violations: list[dict[str, Any]]) -> str:
    """axe-core's violations as lines a person can act on."""
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    - {target}: {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


@dataclass
class Auditor:
    """Audits pages with axe-core and remembers which pages passed."""

    audited: list[str] = field(default_factory=list)

    def audit(self, page: Any, who: str) -> None:
        """Fail on serious or critical axe-core violations of ``page``."""
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # evaluate() runs outside the page's CSP, which forbids inline scripts.
            page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        failing = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
        where = urlsplit(page.url).path
        assert not failing, (
            f"axe-core: {len(failing)} serious or critical accessibility problem(s) on "
            f"{where} ({who}, {page.title()!r}):\n{describe(failing)}"
        )
        self.audited.append(where)


class Person:
    """Someone with a browser of their own: cookies, one tab, and audited pages."""

    def __init__(self, name: str, context: Any, auditor: Auditor) -> None:
        self.name = name
        self.context = context
        self.auditor = auditor
        self.page = context.new_page()
        self.blocked: list[str] = []
        self.page.on("console", self._console)
        self.status = 0

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.blocked.append(message.text)

    # -- moving around --------------------------------------------------------

    def open(self, path: str, *, status: int = 200) -> None:
        """Go to ``path`` (or a full address) and check the page."""
        response = self.page.goto(path)
        self.check(response, status)

    def submit(self, target: Any, *, status: int = 200) -> None:
        """Click ``target`` (a button or link locator), follow the navigation, check the page."""
        with self.page.expect_navigation() as navigation:
            target.click()
        self.check(navigation.value, status)

    def follow(self, name: str | re.Pattern[str], **kwargs: Any) -> None:
        """Click the link named ``name`` and check the page it leads to."""
        self.submit(self.page.get_by_role("link", name=name, exact=True), **kwargs)

    def press(self, name: str | re.Pattern[str], *, within: Any = None, **kwargs: Any) -> None:
        """Click the button named ``name`` (inside ``within`` if given) and check the result."""
        scope = within if within is not None else self.page
        self.submit(scope.get_by_role("button", name=name, exact=True), **kwargs)

    def check(self, response: Any, status: int = 200) -> None:
        """The page answered ``status``, the CSP blocked nothing, axe-core finds no fault."""
        self.status = response.status if response else 0
        where = urlsplit(self.page.url).path
        assert self.status == status, f"{self.name}: {where} answered {self.status}, not {status}"
        self.page.wait_for_load_state("load")
        assert not self.blocked, f"{self.name}: the CSP blocked on {where}: {self.blocked}"
        self.auditor.audit(self.page, self.name)

    # -- reading and typing ---------------------------------------------------

    def fill(self, label: str, value: str) -> None:
        """Type ``value`` into the field labelled ``label``."""
        self.page.get_by_label(label, exact=True).fill(value)

    def text(self, selector: str = "main") -> str:
        """The visible text of ``selector`` (the page's main content by default)."""
        return self.page.locator(selector).inner_text()

    def flash(self) -> str:
        """The flash messages shown on this page."""
        return " ".join(self.page.locator(".flash").all_inner_texts())

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    # -- signing in -----------------------------------------------------------

    def sign_in(self, username: str, password: str = PASSWORD, *, status: int = 200) -> None:
        """Sign in through the campus login form."""
        if self.path != "/login":
            self.open("/login")
        self.fill("Campus username", username)
        self.fill("Password", password)
        self.press("Sign in", status=status)

    def screenshot(self, name: str, *, until: str | None = None) -> Path:
        """Save the page as docs/screenshots/``name``.png for the README.

        The whole page, or its top down to the end of the element ``until`` selects.
        """
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        options: dict[str, Any] = {"full_page": True}
        if until:
            bottom = self.page.locator(until).evaluate(
                "element => element.getBoundingClientRect().bottom + window.scrollY"
            )
            width = self.page.evaluate("document.documentElement.clientWidth")
            options["clip"] = {"x": 0, "y": 0, "width": width, "height": bottom + 16}
        self.page.screenshot(path=path, **options)
        return path
