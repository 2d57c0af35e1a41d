"""`flask --app portal secrets re-encrypt`: after a new key is put first in
DATA_ENCRYPTION_KEYS, encrypt every stored secret again with it, so the old key can then
be removed (portal.core.encryption)."""

import click
from flask.cli import AppGroup
from sqlalchemy import text

from portal.core.db import db
from portal.core.encryption import UnreadableSecret, re_encrypt

secrets_cli = AppGroup("secrets", help="Secrets the portal stores encrypted.")

# (table, key column, secret column): every column of type EncryptedString.
ENCRYPTED_COLUMNS = [("two_factor", "user_id", "secret"),
                     ("council_sign_on", "id", "client_secret")]


@secrets_cli.command("re-encrypt")
def re_encrypt_command() -> None:
    """Encrypt every stored secret again with the newest key (all or nothing)."""
    unreadable = 0
    for table, key, column in ENCRYPTED_COLUMNS:
        rows = db.session.execute(text(f"SELECT {key}, {column} FROM {table}")).all()  # noqa: S608 (our names)
        for row_key, token in rows:
            try:
                fresh = re_encrypt(token)
            except UnreadableSecret:
                unreadable += 1
                continue
            db.session.execute(text(f"UPDATE {table} SET {column} = :token WHERE {key} = :key"),  # noqa: S608
                               {"token": fresh, "key": row_key})
        click.echo(f"{table}.{column}: {len(rows)} read")
    if unreadable:
        db.session.rollback()
        raise click.ClickException(
            f"{unreadable} stored secrets open with none of the keys: nothing was changed. "
            "Put back the key they were stored with.")
    db.session.commit()
    click.echo("Every stored secret is now encrypted with the newest key.")
