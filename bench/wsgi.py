"""The benchmark's WSGI entry point: the portal as production builds it, plus the floor
page and the X-Query-Count header (bench.instrument). Never used in production."""

from bench import instrument
from portal import create_app

app = create_app()
instrument.install(app)
