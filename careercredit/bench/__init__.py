"""A synthetic university for benchmarks: ``flask bench seed`` and the query counter.

``make bench`` (``scripts/bench.py``) seeds a database with ``seed.py``, starts
a directory of a few bench people (``directory.py``) and measures the pages
served by gunicorn; ``queries.py`` counts the SQL statements of each request.
"""
