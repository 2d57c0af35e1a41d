"""gunicorn settings, read from the working directory (see README: Production).

Threads let a worker serve another request while one waits on PostgreSQL or on a file
being flushed to disk (uploads are synced before they are acknowledged)."""

worker_class = "gthread"
threads = 4
