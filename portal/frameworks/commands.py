"""`flask --app portal frameworks ...`: load, list, map and retire framework versions."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.core.db import db
from portal.frameworks import loader
from portal.frameworks.imports.operations import activation_problems
from portal.frameworks.models import Framework, FrameworkElement, FrameworkStatus
from portal.frameworks.queries import load_shipped_frameworks

frameworks_cli = AppGroup("frameworks", help="Load and inspect professional frameworks.")


def _summary(framework: Framework) -> str:
    return (
        f"{framework.code} {framework.version} ({framework.title}): "
        f"{len(framework.elements)} elements, {len(framework.levels)} levels, "
        f"status {framework.status}"
    )


@frameworks_cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def load_command(files: tuple[str, ...]) -> None:
    """Load framework files; a file with any problem loads nothing."""
    failed = False
    for path in files:
        try:
            framework = loader.load_framework_file(path)
        except loader.FrameworkFileError as error:
            db.session.rollback()
            click.echo(f"{path}: {error}", err=True)
            failed = True
            continue
        db.session.commit()
        click.echo(f"Loaded {_summary(framework)}.")
    if failed:
        raise click.exceptions.Exit(1)


@frameworks_cli.command("load-shipped")
def load_shipped_command() -> None:
    """Load the frameworks that come with the portal (safe to run more than once)."""
    try:
        added = load_shipped_frameworks()
    except loader.FrameworkFileError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        raise click.exceptions.Exit(1) from error
    db.session.commit()
    for framework in added:
        click.echo(f"Loaded {_summary(framework)}.")
    if not added:
        click.echo("All shipped frameworks are already loaded.")


@frameworks_cli.command("list")
def list_command() -> None:
    """List every loaded framework version."""
    element_count = (
        select(func.count(FrameworkElement.id))
        .where(FrameworkElement.framework_id == Framework.id)
        .correlate(Framework)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Framework, element_count).order_by(Framework.code, Framework.version)
    ).all()
    if not rows:
        click.echo("No frameworks are loaded.")
        return
    for framework, elements in rows:
        click.echo(
            f"{framework.code:20} {framework.version:10} {framework.status:8} "
            f"{elements:4} elements  {framework.title}"
        )


@frameworks_cli.command("map")
@click.argument("file", type=click.Path(dir_okay=False))
def map_command(file: str) -> None:
    """Record which elements of one version correspond to another's."""
    try:
        mappings = loader.load_mapping_file(file)
    except loader.FrameworkFileError as error:
        db.session.rollback()
        click.echo(f"{file}: {error}", err=True)
        raise click.exceptions.Exit(1) from error
    db.session.commit()
    click.echo(f"Recorded {len(mappings)} element mappings from {file}.")


@frameworks_cli.command("status")
@click.argument("code")
@click.argument("version")
@click.argument("status", type=click.Choice([s.value for s in FrameworkStatus]))
def status_command(code: str, version: str, status: str) -> None:
    """Make a framework version draft, active or retired. A draft is activated only once
    it has elements and every one is checked, as on the web."""
    framework = loader.find_framework(code, version)
    if framework is None:
        click.echo(f"No framework {code} {version} is loaded.", err=True)
        raise click.exceptions.Exit(1)
    if status == FrameworkStatus.ACTIVE.value and framework.status == FrameworkStatus.DRAFT.value:
        problems = activation_problems(framework)
        for _element, message in problems:
            click.echo(message, err=True)
        if problems:
            raise click.exceptions.Exit(1)
    loader.set_framework_status(framework, status)
    db.session.commit()
    click.echo(f"{code} {version} is now {status}.")
