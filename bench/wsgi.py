"""The benchmark's WSGI entry point: the portal as production builds it, plus the floor
page and the X-Query-Count header (portal.bench.instrument). Never used in production."""

from portal import create_app
from portal.bench import instrument

app = create_app()
instrument.install(app)
