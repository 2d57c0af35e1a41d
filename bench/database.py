"""`python -m bench.database URL`: create the PostgreSQL database in URL if it is missing."""

import sys

import psycopg
from psycopg import sql


def ensure_database(url: str) -> bool:
    """True when the database was created, False when it was already there."""
    server, _, name = url.replace("postgresql+psycopg://", "postgresql://").rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [name]).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


if __name__ == "__main__":
    created = ensure_database(sys.argv[1])
    print(f"{'Created' if created else 'Using'} database {sys.argv[1].rpartition('/')[2]}")
