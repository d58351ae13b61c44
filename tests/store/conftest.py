"""The store tests use the session's PostgreSQL server and a new database per test: the ``postgres`` and
``postgres_url`` fixtures of ``tests/conftest.py`` (the multi-worker channel tests use them too)."""
