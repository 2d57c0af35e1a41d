"""`flask --app portal secrets re-encrypt`: after a new key is put first in
DATA_ENCRYPTION_KEYS, encrypt every stored secret again with it, so the old key can then
be removed (portal.core.encryption)."""

import click
from flask.cli import AppGroup
from sqlalchemy import text

from portal.core.db import db
from portal.core.encryption import re_encrypt

secrets_cli = AppGroup("secrets", help="Secrets the portal stores encrypted.")

# (table, key column, secret column): every column of type EncryptedString.
ENCRYPTED_COLUMNS = [("two_factor", "user_id", "secret"),
                     ("council_sign_on", "id", "client_secret")]


@secrets_cli.command("re-encrypt")
def re_encrypt_command() -> None:
    """Encrypt every stored secret again with the newest key."""
    for table, key, column in ENCRYPTED_COLUMNS:
        # The raw tokens, not the model (which would hand back the decrypted text).
        rows = db.session.execute(text(f"SELECT {key}, {column} FROM {table}")).all()  # noqa: S608 (our names)
        for row_key, token in rows:
            db.session.execute(text(f"UPDATE {table} SET {column} = :token WHERE {key} = :key"),  # noqa: S608
                               {"token": re_encrypt(token), "key": row_key})
        click.echo(f"{table}.{column}: {len(rows)} re-encrypted")
    db.session.commit()
