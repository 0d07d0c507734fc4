"""The benchmark's ceiling: a minimal Flask page, served by the same gunicorn settings.

``make bench`` serves it with ``gunicorn bench_baseline:app`` from this folder.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """A tiny HTML page, no template, no database."""
    return "<!doctype html><title>Baseline</title><p>Hello from the baseline page.</p>"
