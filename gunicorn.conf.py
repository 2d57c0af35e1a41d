"""gunicorn settings, read from the working directory (see README: Production).

Threads let a worker serve another request while one waits on PostgreSQL or on a file
being flushed to disk (uploads are synced before they are acknowledged)."""

worker_class = "gthread"
threads = 4
# No keep-alive: each request arrives on a new connection, so the workers share the load.
# With keep-alive, one worker can hold all of a client's connections and serve them on
# one CPU while the other worker idles.
keepalive = 0

# Paths without their query string (%(U)s, not the request line): an invitation link's
# secret travels in the query string on its first use and must not be written to a log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
