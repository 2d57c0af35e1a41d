"""The load benchmark (issue 7): `make bench` runs bench/run.py against bench/wsgi.py."""
