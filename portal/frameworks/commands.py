"""`flask --app portal frameworks ...` (helper-owned)."""

import click

frameworks_cli = click.Group("frameworks", help="Load and inspect professional frameworks.")
