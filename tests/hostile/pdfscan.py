"""What a PDF could run when opened: JavaScript, open actions, launch actions, embedded files."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

#: Names of PDF features that act when a document is opened or read.
ACTIVE = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/RichMedia",
        "/EmbeddedFile",
        "/EmbeddedFiles",
    }
)
_RAW = re.compile(rb"/(" + b"|".join(n[1:].encode() for n in ACTIVE) + rb")(?![A-Za-z0-9])")


def text_of(pdf: bytes) -> str:
    """The text of every page."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def active_parts(pdf: bytes) -> set[str]:
    """Every active feature named in the raw bytes or reachable from the trailer."""
    found = {"/" + match.decode() for match in _RAW.findall(pdf)}
    seen: set[tuple[int, int]] = set()

    def walk(obj: object) -> None:
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                return
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in ACTIVE:
                    found.add(key)
                if isinstance(value, NameObject) and value in ACTIVE:
                    found.add(str(value))
                walk(value)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                walk(value)

    walk(PdfReader(io.BytesIO(pdf)).trailer)
    return found
