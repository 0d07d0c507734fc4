"""A minimal browser for load clients: one keep-alive connection, a cookie jar, forms.

Every answer is kept as a ``Hit`` (what was asked, the status, how long it
took); a request that got no answer at all (connection refused, reset, timed
out) is a hit with status 0, so nothing the client tried goes uncounted.
"""

from __future__ import annotations

import html
import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
_FLASH = re.compile(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', re.DOTALL)
#: A connection the server closed while it sat idle shows up as one of these on reuse.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass(frozen=True)
class Hit:
    """One request and its answer (status 0: no answer, see ``error``)."""

    kind: str
    method: str
    path: str
    status: int
    seconds: float
    error: str = ""
    #: The start of the body of a 5xx answer, for the report.
    excerpt: str = ""


@dataclass(frozen=True)
class Answer:
    """What the server said."""

    status: int
    location: str
    body: str

    def csrf_token(self) -> str:
        """The CSRF token of the page's form ('' when there is none)."""
        match = _CSRF.search(self.body)
        return match.group(1) if match else ""

    def flashes(self) -> list[str]:
        """The flash messages shown on the page, as text."""
        return [html.unescape(m.strip()) for m in _FLASH.findall(self.body)]

    def redirect_path(self) -> str:
        """The path (and query) a redirect points at, without the fragment."""
        parts = urlsplit(self.location)
        return parts.path + (f"?{parts.query}" if parts.query else "")


class Browser:
    """One person's browser: a keep-alive connection to ``host:port`` and its cookies."""

    def __init__(self, host: str, port: int, *, timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.hits: list[Hit] = []
        self._conn: http.client.HTTPConnection | None = None

    def get(self, kind: str, path: str) -> Answer:
        """GET ``path``; a GET that met a connection closed while idle is sent once more."""
        return self._send(kind, "GET", path, None, retry_stale=True)

    def post(self, kind: str, path: str, form: dict[str, str]) -> Answer:
        """POST a form to ``path`` (never re-sent: a lost answer stays unknown)."""
        return self._send(kind, "POST", path, urlencode(form), retry_stale=False)

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- the wire ---------------------------------------------------------------------

    def _send(
        self, kind: str, method: str, path: str, body: str | None, *, retry_stale: bool
    ) -> Answer:
        started = time.perf_counter()
        reused = self._conn is not None
        try:
            answer = self._exchange(method, path, body)
        except _STALE as exc:
            self.close()
            if not (reused and retry_stale):
                return self._no_answer(kind, method, path, started, exc)
            try:
                answer = self._exchange(method, path, body)
            except (OSError, http.client.HTTPException) as again:
                self.close()
                return self._no_answer(kind, method, path, started, again)
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return self._no_answer(kind, method, path, started, exc)
        excerpt = answer.body[:300] if answer.status >= 500 else ""
        self.hits.append(
            Hit(kind, method, path, answer.status, time.perf_counter() - started, "", excerpt)
        )
        return answer

    def _exchange(self, method: str, path: str, body: str | None) -> Answer:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self._conn.request(method, path, body=body, headers=headers)
        response = self._conn.getresponse()
        data = response.read()
        self._remember(response.headers.get_all("Set-Cookie") or [])
        if response.will_close:
            self.close()
        return Answer(
            response.status,
            response.headers.get("Location", ""),
            data.decode("utf-8", errors="replace"),
        )

    def _remember(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                gone = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if gone or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def _no_answer(
        self, kind: str, method: str, path: str, started: float, exc: BaseException
    ) -> Answer:
        error = f"{type(exc).__name__}: {exc}"
        self.hits.append(Hit(kind, method, path, 0, time.perf_counter() - started, error))
        return Answer(0, "", "")
