"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``.

A configuration the app refuses (``ConfigError``) stops the start with its
message alone: it names the variable to change, and a traceback would only
hide it.
"""

import sys

from careercredit import create_app
from config import ConfigError

#: The exit status gunicorn's master reads as "App failed to load": it stops,
#: rather than start new workers that would refuse in turn.
APP_LOAD_ERROR = 4

try:
    app = create_app()
except ConfigError as refused:
    print(f"CareerCredit will not start: {refused}", file=sys.stderr)
    raise SystemExit(APP_LOAD_ERROR) from None
