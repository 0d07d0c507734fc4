"""HTML templates drop the lines of their block tags; e-mail text keeps every line break."""

from __future__ import annotations

from flask import Flask
from jinja2 import DictLoader, Environment

SOURCE = "<ul>\n  {% for x in items %}\n  <li>{{ x }}</li>\n  {% endfor %}\n</ul>\n"
TEXT = "Hello,\n{% if comment %}\nThe supervisor wrote:\n\n{{ comment }}\n{% endif %}\nBye\n"


def test_html_templates_leave_no_block_lines(app: Flask) -> None:
    env = app.jinja_env.overlay(loader=DictLoader({"list.html": SOURCE}))
    page = env.get_template("list.html").render(items=["a", "b"])
    assert page == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>"


def test_text_templates_keep_jinjas_defaults(app: Flask) -> None:
    env = app.jinja_env.overlay(loader=DictLoader({"mail.txt": TEXT, "list.txt": SOURCE}))
    mail = env.get_template("mail.txt").render(comment="Good work.")
    assert mail == "Hello,\n\nThe supervisor wrote:\n\nGood work.\n\nBye"
    listed = env.get_template("list.txt").render(items=["a"])
    assert listed == "<ul>\n  \n  <li>a</li>\n  \n</ul>"
    assert app.jinja_env.from_string(SOURCE).render(items=[]) == "<ul>\n  \n</ul>"


def test_every_email_template_reads_as_written(app: Flask) -> None:
    """The e-mails compile exactly as Jinja's defaults compile them."""
    env = app.jinja_env
    plain = Environment(loader=env.loader, autoescape=env.autoescape)  # noqa: S701 (the same)
    plain.filters.update(env.filters)
    names = [n for n in env.list_templates() if n.startswith("email/")]
    assert names
    for name in names:
        source = env.loader.get_source(env, name)[0]
        assert env.compile(source, name, raw=True) == plain.compile(source, name, raw=True), name
