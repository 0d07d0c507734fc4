"""Checking an uploaded file: its name, its size and what its bytes really are.

The browser's content type and the file's extension are never trusted: the
type is sniffed from the first bytes (and, for a ZIP, from what is inside it).
Only the types in ``TYPES`` are kept; everything else is refused.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from careercredit.refusals import Refused

CHUNK = 64 * 1024
NAME_MAX = 255

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

#: Allowed content types: what people call them, and the extensions that fit them.
TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": ("PDF", (".pdf",)),
    DOCX: ("Word document", (".docx",)),
    XLSX: ("Excel workbook", (".xlsx",)),
    PPTX: ("PowerPoint presentation", (".pptx",)),
    "image/png": ("PNG image", (".png",)),
    "image/jpeg": ("JPEG image", (".jpg", ".jpeg")),
    "image/gif": ("GIF image", (".gif",)),
    "application/zip": ("ZIP archive", (".zip",)),
}
ALLOWED_TEXT = "PDF, Word, Excel or PowerPoint (docx, xlsx, pptx), PNG, JPEG, GIF or ZIP"

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
#: An Office Open XML package: a ZIP with [Content_Types].xml and this folder.
_OFFICE_FOLDERS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class FileProblem(Refused):
    """An upload that cannot be kept; the message, on the ``file`` field, says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(problems={"file": message})


@dataclass(frozen=True)
class CheckedFile:
    """What was learnt about an upload's bytes."""

    name: str
    size: int
    content_type: str
    sha256: str


def clean_name(raw: str | None) -> str:
    """The file's own name without folders and control characters, or ``FileProblem``."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _CONTROL.sub("", name).strip().strip(".").strip()
    if not name:
        raise FileProblem(
            "The file's name has no usable characters. Rename the file (for example "
            "report.pdf) and choose it again."
        )
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:20] if dot else ""
        name = (stem if dot else name)[: NAME_MAX - len(ext) - 1].rstrip() + (
            f".{ext}" if ext else ""
        )
    return name


def sniff(stream: IO[bytes]) -> str | None:
    """The content type the bytes of ``stream`` show, if it is an allowed one."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(stream)
    return None


def _zip_type(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" in names:
        for folder, content_type in _OFFICE_FOLDERS:
            if any(name.startswith(folder) for name in names):
                return content_type
    return "application/zip"


def measure(stream: IO[bytes], max_bytes: int) -> tuple[int, str]:
    """The size and SHA-256 of ``stream``; ``FileProblem`` when empty or too large."""
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FileProblem(
                f"The file is larger than {max_bytes // (1024 * 1024)} MB. Make it smaller "
                "(for example compress it as a ZIP) or share it as a link instead."
            )
        digest.update(chunk)
    stream.seek(0)
    if size == 0:
        raise FileProblem("The file is empty. Choose the finished file and upload it again.")
    return size, digest.hexdigest()


def check_file(raw_name: str | None, stream: IO[bytes], max_bytes: int) -> CheckedFile:
    """Check an upload's name, size and type; ``FileProblem`` says what is wrong."""
    name = clean_name(raw_name)
    size, sha256 = measure(stream, max_bytes)
    content_type = sniff(stream)
    if content_type is None:
        raise FileProblem(f"This kind of file cannot be uploaded. Upload a {ALLOWED_TEXT} file.")
    return CheckedFile(name=name, size=size, content_type=content_type, sha256=sha256)


def download_name(name: str, content_type: str | None) -> str:
    """The stored name, with the extension its real type has if it does not carry one."""
    _label, extensions = TYPES.get(content_type or "", ("", ()))
    if not extensions or name.lower().endswith(extensions):
        return name
    return f"{name}{extensions[0]}"
