"""`flask --app portal seed-demo`."""

import click
from flask.cli import with_appcontext

from portal.core.db import db
from portal.demo.data import DEMO_PASSWORD, PEOPLE, email_for
from portal.demo.partnership_data import PARTNER, PARTNER_PEOPLE, partner_email
from portal.demo.seed import seed_demo


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo council, its people and cohorts (safe to run more than once)."""
    created = seed_demo()
    db.session.commit()
    summary = ", ".join(f"{count} {kind}" for kind, count in created.items() if count)
    click.echo("Demo data: " + (f"added {summary}." if summary else "already loaded."))
    click.echo(f"Sign in with any of these (password: {DEMO_PASSWORD}):")
    for name, local, roles, _team in PEOPLE:
        labels = ", ".join(sorted(role.label for role in roles))
        click.echo(f"  {email_for(local):42} {name}: {labels}")
    click.echo(f"And, at the partner council ({PARTNER[0]}):")
    for name, local, role in PARTNER_PEOPLE:
        click.echo(f"  {partner_email(local):42} {name}: {role.label}")
