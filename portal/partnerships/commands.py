"""`flask partnerships ...`: the service administrator's partnership work from the command
line (adding one, changing its councils, listing them). Sharing stays with each council's
administrators, on the web."""

import click
from flask.cli import AppGroup

from portal.core.db import db
from portal.partnerships import operations, queries
from portal.partnerships.errors import PartnershipError
from portal.partnerships.models import Partnership

partnerships_cli = AppGroup("partnerships", help="Teaching partnerships of councils.")


def _run(change) -> None:
    try:
        change()
    except PartnershipError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()


@partnerships_cli.command("create")
@click.option("--name", required=True, help="The partnership's name.")
@click.option("--council", "council_ids", type=int, multiple=True, required=True,
              help="A council's id (see `flask councils list`); give at least two.")
def create_command(name, council_ids):
    """Add a partnership of councils. It shares nothing until their administrators do."""
    made = []
    _run(lambda: made.append(operations.create_partnership(None, name, list(council_ids))))
    click.echo(f"Added {made[0].name} (id {made[0].id}).")


@partnerships_cli.command("set-councils")
@click.argument("partnership_id", type=int)
@click.option("--council", "council_ids", type=int, multiple=True, required=True,
              help="A council's id; give every council the partnership should have.")
def set_councils_command(partnership_id, council_ids):
    """Set a partnership's councils; a council left out stops sharing at once."""
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        raise click.ClickException("No partnership has that id")
    _run(lambda: operations.change_councils(None, partnership, list(council_ids)))
    click.echo(f"{partnership.name}: " + ", ".join(c.name for c in partnership.councils))


@partnerships_cli.command("list")
def list_command():
    """Every partnership with its councils."""
    for partnership in queries.all_partnerships():
        names = ", ".join(council.name for council in partnership.councils)
        click.echo(f"{partnership.id}\t{partnership.name}\t{names}")
