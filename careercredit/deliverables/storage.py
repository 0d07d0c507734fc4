"""Where uploaded files live: one small interface, a directory behind it.

The app only ever calls ``save``, ``open``, ``delete``, ``exists``, ``keys``
and ``modified``, so an object store can replace the directory later. Keys are
random (``secrets.token_hex``), never the uploader's file name. A file is
written to a temporary name in the same directory and renamed only once it is
complete, so a key never names half a file.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from flask import current_app

#: What a key looks like; anything else is not ours (or an attack on the path).
KEY = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 64 * 1024
#: Prefix of files being written; they never count as stored.
PARTIAL = ".upload-"


class DirectoryStorage:
    """Files kept in one directory, named by random keys."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise KeyError(key)
        return self.root / key

    def save(self, stream: IO[bytes]) -> str:
        """Copy ``stream`` into a new file; return its key."""
        self.root.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd, partial = tempfile.mkstemp(dir=self.root, prefix=PARTIAL, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, self._path(key))
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(partial)
            raise
        return key

    def open(self, key: str) -> IO[bytes]:
        """The stored bytes of ``key``, for reading; the caller closes it."""
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        """Remove ``key``; a key that is already gone is fine."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""
        return KEY.match(key) is not None and self._path(key).is_file()

    def keys(self) -> Iterator[str]:
        """Every stored key (files being written are left out)."""
        if not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            if KEY.match(entry.name) and entry.is_file():
                yield entry.name

    def modified(self, key: str) -> datetime:
        """When ``key`` was stored."""
        return datetime.fromtimestamp(self._path(key).stat().st_mtime, UTC)


def upload_storage() -> DirectoryStorage:
    """The storage of the current app (``UPLOAD_DIR``)."""
    return DirectoryStorage(current_app.config["UPLOAD_DIR"])
