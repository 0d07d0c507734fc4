"""Reading upload requests: a per-route size limit, and no files left open by a broken body.

Werkzeug spools each file part of a multipart body to a temporary file. When
the body breaks off half-way (the browser disconnects, or the body ends
before its closing boundary) the part being read never reaches
``request.files``, so nothing would close its temporary file.
"""

from __future__ import annotations

from typing import IO, Any

from flask import current_app, request
from werkzeug.formparser import FormDataParser

MB = 1024 * 1024
#: Room for the form's other fields and the multipart framing around the file.
FORM_SLACK = MB


class ClosingFormDataParser(FormDataParser):
    """A form parser that closes the files it opened when the body cannot be read."""

    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: Any
    ) -> Any:
        opened: list[IO[bytes]] = []
        factory = self.stream_factory

        def tracked(*args: Any, **kwargs: Any) -> IO[bytes]:
            container = factory(*args, **kwargs)
            opened.append(container)
            return container

        self.stream_factory = tracked
        try:
            return super()._parse_multipart(stream, mimetype, content_length, options)
        except BaseException:
            for container in opened:
                container.close()
            raise
        finally:
            self.stream_factory = factory


def prepare_upload_request() -> None:
    """Limit this request to the upload size (plus the form) and read it safely."""
    request.form_data_parser_class = ClosingFormDataParser
    request.max_content_length = current_app.config["UPLOAD_MAX_MB"] * MB + FORM_SLACK


def looks_broken_off() -> bool:
    """Whether this request carried a multipart body of which nothing could be read."""
    return (
        request.mimetype == "multipart/form-data"
        and bool(request.content_length)
        and not request.form
        and not request.files
    )
