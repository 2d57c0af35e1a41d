"""Data at scale and the benchmark's server-side helpers (issue 7).

`bench_seed` fills a database with realistic synthetic councils for `make bench`;
`instrument` adds the floor page and the per-request SQL count, and is only ever
registered by the benchmark's own WSGI entry point (bench/wsgi.py), never by create_app.
"""
