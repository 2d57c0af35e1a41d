"""`flask councils ...`: add a council, list them, and make the first service
administrator (the one role no page can give)."""

import click
from flask.cli import AppGroup

from portal.accounts.councils import operations
from portal.accounts.operations import AccountError, find_by_email
from portal.core.db import db

councils_cli = AppGroup("councils", help="Councils in this portal.")


@councils_cli.command("create")
@click.option("--name", required=True, help="The council's full name.")
@click.option("--short-name", required=True, help="A short name, for tight spaces.")
@click.option("--administrator-name", required=True, help="The first administrator's name.")
@click.option("--administrator-email", required=True,
              help="The first administrator's address: they are emailed an invitation.")
@click.option("--two-factor/--no-two-factor", default=True, show_default=True,
              help="Administrators and programme leads must use an authenticator app.")
def create_command(name, short_name, administrator_name, administrator_email, two_factor):
    """Add a council and invite its first administrator."""
    details = operations.NewCouncil(name=name, short_name=short_name,
                                    two_factor_for_leads_and_admins=two_factor,
                                    administrator_name=administrator_name,
                                    administrator_email=administrator_email)
    try:
        council, _administrator = operations.create_council(None, details)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Added {council.name} (id {council.id}); its administrator has been sent "
               "an invitation.")


@councils_cli.command("list")
def list_command():
    """Every council, with its number of active people."""
    for council, people in operations.councils_with_counts():
        click.echo(f"{council.id}\t{council.name}\t{people} active")


@councils_cli.command("make-service-administrator")
@click.argument("email")
def make_service_administrator_command(email):
    """Let an existing account add councils (from the Councils page)."""
    user = find_by_email(email)
    if user is None:
        raise click.ClickException("No account has that email address")
    changed = operations.make_service_administrator(user)
    db.session.commit()
    click.echo("Done." if changed else "They already were a service administrator.")
