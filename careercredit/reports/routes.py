"""The reports: the program's figures for advisors, registrars and administrators.

Thin views: the term selector picks the terms, a view of ``views.VIEWS``
turns their aggregates into charts, and each chart is a page section, a CSV
file, and (for one term) a part of the term report PDF.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from careercredit import clock
from careercredit.access import roles_required
from careercredit.csvexport import csv_response
from careercredit.links import row_url
from careercredit.models import Role
from careercredit.reports import figures
from careercredit.reports.charts import layout
from careercredit.reports.forms import TermRangeForm
from careercredit.reports.pdf import build_term_report
from careercredit.reports.views import VIEWS, View

bp = Blueprint("reports", __name__, url_prefix="/reports")

#: Who may read the reports (see ``views`` for what they show).
READERS = (Role.advisor, Role.registrar, Role.admin)
#: Terms a report covers unless asked otherwise: the current one and the five before it.
DEFAULT_SPAN = 6


def _view() -> View:
    view = VIEWS.get(request.args.get("view", "plans"))
    if view is None:
        abort(404)
    return view


def _selector(terms: list[figures.TermRow]) -> TermRangeForm:
    """The term selector read from the query string, defaulting to the last few terms."""
    today = clock.today()
    started = [t for t in terms if t.starts_on <= today] or terms
    last = started[-1]
    first = terms[max(terms.index(last) - DEFAULT_SPAN + 1, 0)]
    form = TermRangeForm(formdata=request.args)
    form.offer(terms, first.code, last.code)
    return form


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    """A view of the reports for the chosen terms."""
    view = _view()
    terms = figures.all_terms()
    if not terms:
        return render_template(
            "reports/index.html", view=view, views=VIEWS, form=None, charts=[], **_links(view, None)
        )
    form = _selector(terms)
    chosen = form.chosen(terms)
    charts = view.build(chosen) if chosen else []
    page = render_template(
        "reports/index.html",
        view=view,
        views=VIEWS,
        form=form,
        chosen=chosen or [],
        charts=[(chart, layout(chart)) for chart in charts],
        **_links(view, chosen),
    )
    return page, 200 if chosen else 422


def _links(view: View, chosen: list[figures.TermRow] | None) -> dict[str, object]:
    """The view tabs' link (by view key) and the charts' CSV link (by chart key), made once.

    Both keep the query string as it is, the view (and the terms shown) put in.
    """
    args = request.args.to_dict()
    links: dict[str, object] = {"view_href": row_url("reports.index", "view", **args)}
    if chosen:
        # The chart's key takes the place it has always had: after the view, before the terms.
        args.update(view=view.key, chart="", first=chosen[0].code, last=chosen[-1].code)
        links["csv_href"] = row_url("reports.chart_csv", "chart", **args)
    return links


@bp.get("/chart.csv")
@roles_required(*READERS)
def chart_csv() -> ResponseReturnValue:
    """One chart's numbers as a CSV file (``?view=&chart=``, else the view's first; the terms)."""
    view = _view()
    terms = figures.all_terms()
    chosen = _selector(terms).chosen(terms) if terms else None
    if not chosen:
        return index()
    charts = view.build(chosen)
    key = request.args.get("chart", charts[0].key)
    chart = next((c for c in charts if c.key == key), None)
    if chart is None:
        abort(404)
    span = chosen[0].code if len(chosen) == 1 else f"{chosen[0].code}-{chosen[-1].code}"
    return csv_response(f"{chart.key}-{span}.csv", chart.header, chart.table_rows())


@bp.get("/term.pdf")
@roles_required(*READERS)
def term_pdf() -> ResponseReturnValue:
    """The term report of the last chosen term, as a PDF for a dean."""
    terms = figures.all_terms()
    chosen = _selector(terms).chosen(terms) if terms else None
    if not chosen:
        return index()
    term = chosen[-1]
    charts = [chart for view in VIEWS.values() for chart in view.build([term])]
    return Response(
        build_term_report(term, charts, made_on=clock.today()),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="report-{term.code}.pdf"'},
    )
