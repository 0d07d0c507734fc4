"""The app's select box writes the HTML WTForms' own would, option for option."""

from __future__ import annotations

from flask import Flask, request
from wtforms import SelectField as WTFormsSelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

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

# Plain text pairs, given as the app's views give them (after the form is made): the ones
# the app writes from its own cache of options.
PAIRS = [
    ("", "— any —"),
    ("a<&\"'b", 'Quotes " and <b>tags</b>'),
    ("2027SP", "Spring 2027"),
    ("7", ""),
]


class Ours(Form):
    term = SelectField("Term", choices=CHOICES, validate_choice=False)
    year = SelectField("Year", choices=YEARS, coerce=int)
    pair = SelectField("Pair", [InputRequired()])


class Theirs(Form):
    term = WTFormsSelectField("Term", choices=CHOICES, validate_choice=False)
    year = WTFormsSelectField("Year", choices=YEARS, coerce=int)
    pair = WTFormsSelectField("Pair", [InputRequired()])


def test_the_select_box_is_wtforms_html(app: Flask) -> None:
    queries = ("", "?term=2027SP&year=2027", "?term=a%3C%26%22%27b", "?term=grouped")
    pairs = ("?pair=7", "?pair=a%3C%26%22%27b", "?pair=nothing", "?pair=", "?pair=7")
    for query in (*queries, *pairs):
        with app.test_request_context(f"/{query}"):
            ours, theirs = Ours(meta={"csrf": False}), Theirs(meta={"csrf": False})
            for form in (ours, theirs):
                form.pair.choices = PAIRS
                form.process(formdata=request.args)
            for name in ("term", "year", "pair"):
                assert str(ours[name](class_="wide")) == str(theirs[name](class_="wide"))
    with app.test_request_context("/?term=2027SP"):
        form = Ours(meta={"csrf": False})
        form.process(formdata=request.args)
        html = str(form.term())
    assert '<option selected value="2027SP">Spring 2027</option>' in html
    assert "&lt;b&gt;tags&lt;/b&gt;" in html


def test_plain_options_are_chosen_anew_each_time(app: Flask) -> None:
    drawn = {}
    for value in ("7", "2027SP", "7", "none of them"):
        with app.test_request_context(f"/?pair={value}"):
            form = Ours(meta={"csrf": False})
            form.pair.choices = PAIRS
            form.process(formdata=request.args)
            drawn[value] = str(form.pair())
    assert '<option selected value="7">7</option>' in drawn["7"]
    assert '<option selected value="2027SP">Spring 2027</option>' in drawn["2027SP"]
    assert drawn["none of them"].count("selected") == 0
    assert drawn["7"].startswith('<select id="pair" name="pair" required>')
