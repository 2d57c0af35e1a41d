"""`flask --app portal attachments ...` (helper-owned)."""

import click

attachments_cli = click.Group("attachments", help="Check stored attachment files.")
