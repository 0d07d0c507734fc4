"""The app's select box writes the HTML WTForms' own would, option for option."""

from __future__ import annotations

from flask import Flask, request
from wtforms import SelectField as WTFormsSelectField
from wtforms.fields.choices import SelectChoice

from careercredit.forms import Form, SelectField

CHOICES = [
    SelectChoice("", "— any —"),
    SelectChoice("a<&\"'b", 'Quotes " and <b>tags</b> & ampersands'),
    SelectChoice("2027SP", "Spring 2027"),
    SelectChoice("7", ""),
    SelectChoice("off", "Not offered", render_kw={"disabled": True}),
    SelectChoice("grouped", "In a group", optgroup="Older terms"),
]

YEARS = [SelectChoice(2026, "2026"), SelectChoice(2027, "2027")]


class Ours(Form):
    term = SelectField("Term", choices=CHOICES, validate_choice=False)
    year = SelectField("Year", choices=YEARS, coerce=int)


class Theirs(Form):
    term = WTFormsSelectField("Term", choices=CHOICES, validate_choice=False)
    year = WTFormsSelectField("Year", choices=YEARS, coerce=int)


def test_the_select_box_is_wtforms_html(app: Flask) -> None:
    for query in ("", "?term=2027SP&year=2027", "?term=a%3C%26%22%27b", "?term=grouped"):
        with app.test_request_context(f"/{query}"):
            ours, theirs = Ours(meta={"csrf": False}), Theirs(meta={"csrf": False})
            ours.process(formdata=request.args)
            theirs.process(formdata=request.args)
            for name in ("term", "year"):
                assert str(ours[name](class_="wide")) == str(theirs[name](class_="wide"))
    with app.test_request_context("/?term=2027SP"):
        form = Ours(meta={"csrf": False})
        form.process(formdata=request.args)
        html = str(form.term())
    assert '<option selected value="2027SP">Spring 2027</option>' in html
    assert "&lt;b&gt;tags&lt;/b&gt;" in html
