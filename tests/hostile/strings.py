"""Hostile strings: the samples every form must survive, and the hypothesis strategy mixing them.

Lone surrogates are left out: they cannot travel in an HTTP form (UTF-8 has no
encoding for them), so no browser can send one.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
#: Markup that must never reach a page unescaped.
TAGS = (SCRIPT, "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>")
ZOE_NFC = unicodedata.normalize("NFC", "Zoë")
ZOE_NFD = unicodedata.normalize("NFD", "Zoë")
LONG = "x" * 10_000

#: Short samples, also glued together by the strategy.
SHORT = (
    SCRIPT,
    IMG,
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "'; DROP TABLE user; --",
    "' OR '1'='1",
    "*)(uid=*))(|(uid=*",
    "al*",
    "\\2a\\29",
    "\x00",
    "a\x00b",
    "\x01\x08\x0b\x0c\x1b[31m\x7f",
    "\r\n",
    "\r",
    "\t",
    "\x85\u2028\u2029",
    "\u202egnp.exe",  # right-to-left override
    "\u200f\u200e",  # right-to-left and left-to-right marks
    "\u200b\u200c\u200d\ufeff",  # zero-width space, non-joiner, joiner, BOM
    "\u00a0\u3000",  # no-break and ideographic spaces
    "👩🏽‍💻",
    "👍🏿",
    "🏳️‍🌈",
    "e\u0301\u0301\u0301",  # stacked combining accents
    ZOE_NFC,
    ZOE_NFD,
    "ß İ ǅ ﬃ",  # case mappings that change length
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(1+1)",
    "{{ 7*7 }}",
    "{% raw %}",
    "${7*7}",
    "%s%n%x",
    "../../etc/passwd",
    "&amp;&lt;",
    "²",  # a digit to str.isdigit, not to int()
    "١٢",  # Arabic-Indic twelve
    "\uff11",  # fullwidth one
    "1_0",
    "99999999999999999999",  # beyond any database integer
    "1e3",
    "NaN",
    '"',
    "'",
)
#: Everything the strategy samples whole, the long strings among them.
SAMPLES = (*SHORT, LONG, "💩" * 2_500, SCRIPT * 400)


def hostile_text() -> st.SearchStrategy[str]:
    """A dangerous sample, arbitrary Unicode, or several of both glued together."""
    glued = st.lists(
        st.one_of(st.sampled_from(SHORT), st.text(max_size=8)), min_size=2, max_size=5
    ).map("".join)
    return st.one_of(st.sampled_from(SAMPLES), st.text(max_size=40), glued)


def mostly(*valid: str) -> st.SearchStrategy[str]:
    """One of ``valid`` three times in four, else hostile text (for the fields tried beside)."""
    return st.integers(0, 3).flatmap(lambda n: hostile_text() if n == 0 else st.sampled_from(valid))


def sometimes() -> st.SearchStrategy[str | None]:
    """Hostile text one time in four, else None (keep the good value)."""
    return st.integers(0, 3).flatmap(lambda n: hostile_text() if n == 0 else st.none())


def with_filler(filler: str) -> st.SearchStrategy[str]:
    """Hostile text inside ordinary words, so that minimum lengths are met."""
    return st.one_of(
        hostile_text(),
        hostile_text().map(lambda text: f"{filler} {text} {filler}"),
    )


# -- what the forms document they do with text ------------------------------------------

#: Control characters the text cleaners drop (tabs and line breaks stay).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def stripped(text: str) -> str:
    """Surrounding whitespace removed (Python's idea of whitespace)."""
    return text.strip()


def queried(text: str) -> str:
    """What a search or filter sees of ``text``: null characters are dropped from queries."""
    return text.replace("\x00", "")


def cleaned(text: str) -> str:
    """Control characters dropped, then stripped (``clean_text`` of hours and catalogue)."""
    return CONTROL.sub("", text).strip()


def one_line(text: str) -> str:
    """Cleaned, then every run of whitespace made one space (deliverable titles)."""
    return " ".join(cleaned(text).split())


def too_big(text: str) -> bool:
    """Whether ``text`` reads as an integer no database column holds (known 500s: test_numbers)."""
    try:
        return abs(int(text)) > 2**63 - 1
    except ValueError:
        return False


def bad_number(text: str) -> bool:
    """Digits to ``str.isdigit`` that ``int`` cannot read ("²"), or too big (test_numbers)."""
    words = " ".join(text.split())
    if too_big(words):
        return True
    try:
        int(words)
    except ValueError:
        return words.isdigit()
    return False
