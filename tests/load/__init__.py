"""Load without loss: students logging hours and supervisors verifying them on gunicorn.

The modules here are shared by the CI-size test (``test_hours_load.py``) and
the full-size run (``scripts/load_hours.py``, ``make load-hours``).
"""
