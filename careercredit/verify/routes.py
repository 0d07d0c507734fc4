"""The public verification page: anyone holding a record's code may check it.

No sign-in: the code printed on the record is the key. The page says
whether the code belongs to a valid record and shows the minimum that
identifies it (name, issue date, institution, terms and credits); a visitor
may upload the PDF they hold to learn what it is: the file we issued, that
file with content added after, a broken signature, no signature, or another
record (``validation.py``). Each answer about a known code is logged as a
Disclosure. All requests for codes share one rate limit per client address,
so codes cannot be guessed; the pages are neither cached nor indexed.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wrappers import Response

from careercredit.deliverables.multipart import FORM_SLACK, ClosingFormDataParser
from careercredit.extensions import limiter
from careercredit.models import RecordDocument
from careercredit.records.services import change_text, standing
from careercredit.refusals import unit_of_work
from careercredit.verify import services
from careercredit.verify.forms import CodeForm, FileCheckForm
from careercredit.verify.validation import Finding, verdict

bp = Blueprint("verify", __name__, url_prefix="/verify")

TOO_MANY = "Too many verifications from your address in a short time. Please wait a minute."
#: A code longer than this is not echoed back in full.
ECHO_MAX = 40


def _limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


#: Looking at a code and checking a file count against one limit per client address.
verification_limit = limiter.shared_limit(_limit, scope="verify", error_message=TOO_MANY)


@bp.after_request
def _private(response: Response) -> Response:
    """No copy in any cache, no entry in any search engine."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.errorhandler(429)
def _too_many(error: Exception) -> ResponseReturnValue:
    return render_template("verify/too_many.html", bare=True, message=TOO_MANY), 429


# -- uploads that could not be read ----------------------------------------------------


@bp.url_value_preprocessor
def _prepare_upload(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Before the CSRF check reads the form: a record-sized limit, no temporary file left open."""
    if endpoint == f"{bp.name}.check" and request.method == "POST":
        request.form_data_parser_class = ClosingFormDataParser
        request.max_content_length = services.UPLOAD_MAX_BYTES + FORM_SLACK


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    return _upload_failed(too_large=True), 413


@bp.errorhandler(ClientDisconnected)
def _broken_off(error: ClientDisconnected) -> ResponseReturnValue:
    return _upload_failed(too_large=False), 400


def _upload_failed(*, too_large: bool) -> str:
    code = (request.view_args or {}).get("code", "")
    back = url_for(".show", code=code) if code else url_for(".index")
    return render_template("verify/upload_failed.html", bare=True, too_large=too_large, back=back)


# -- the pages ---------------------------------------------------------------------------


@bp.get("/")
def index() -> ResponseReturnValue:
    """Ask for the code printed on a record, then show its page."""
    if "code" not in request.args:
        return render_template("verify/index.html", bare=True, form=CodeForm(formdata=None))
    form = CodeForm(formdata=request.args)
    if not form.validate():
        return render_template("verify/index.html", bare=True, form=form), 422
    return redirect(url_for(".show", code=form.canonical))


@bp.get("/<code>")
@verification_limit
def show(code: str) -> ResponseReturnValue:
    """Say whether ``code`` matches an issued, unrevoked record."""
    document = _known_or_404(code)
    return _answer(document)


@bp.post("/<code>")
@verification_limit
def check(code: str) -> ResponseReturnValue:
    """Say what the visitor's PDF is, compared with the record issued under ``code``."""
    document = _known_or_404(code)
    if document.revoked:
        return _answer(document)  # nothing to compare: the record is not valid
    form = FileCheckForm()
    if not form.validate_on_submit():
        return _answer(document, form=form, status=422)
    return _answer(document, finding=verdict(form.content, document))


def _known_or_404(code: str) -> RecordDocument:
    """The record issued under ``code``, or the page saying there is none."""
    document = services.find_document(code)
    if document is None:
        echoed = code if len(code) <= ECHO_MAX else code[:ECHO_MAX] + "…"
        page = render_template("verify/unknown.html", bare=True, code=echoed)
        abort(make_response(page, 404))
    return document


def _answer(
    document: RecordDocument,
    *,
    form: FileCheckForm | None = None,
    finding: Finding | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """Show the record's status once the log of what the visitor sees is committed.

    The page is drawn first: the commit then expires nothing it still needs.
    """
    change, terms = standing(document)
    page = render_template(
        "verify/show.html",
        bare=True,
        document=document,
        institution=services.institution_name(document),
        issued_on=services.issue_date(document),
        revoked_on=services.revocation_date(document),
        form=form or FileCheckForm(formdata=None),
        finding=finding,
        change_text=change_text(document, change) if change else "",
        terms=terms,
    )
    with unit_of_work():
        services.record_verification(
            document,
            checked=finding.verdict if finding else None,
            out_of_date=change is not None,
        )
    return page, status
