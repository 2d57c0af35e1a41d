"""The portal: social work career progression (ASYE, EPD, progression panels)."""

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from portal import config as portal_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_override: dict | None = None) -> Flask:
    """Build the application. Migrations are run by command, never from here."""
    instance_path = Path(os.environ.get("PORTAL_INSTANCE_PATH", PROJECT_ROOT / "instance"))
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True,
                static_folder=None,
                template_folder=None)
    app.config.update(portal_config.settings_from_environment(instance_path))
    app.config["STATIC_DIR"] = str(PROJECT_ROOT / "static")
    app.config.from_pyfile("portal.cfg", silent=True)
    app.config.update(config_override or {})
    portal_config.finalise(app.config, instance_path)

    from portal.core.urls import DatabaseIdConverter

    # Every <int:...> in a URL is a database id: one too large for the database is a 404.
    app.url_map.converters["int"] = DatabaseIdConverter
    _configure_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    if app.config["TRUST_PROXY_HOPS"]:
        from portal.core.proxies import TrustedProxyFix, parse_networks

        app.wsgi_app = TrustedProxyFix(app.wsgi_app, app.config["TRUST_PROXY_HOPS"],
                                       parse_networks(app.config["TRUSTED_PROXIES"]))
    return app


def _configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from portal.core import template_helpers

    template_helpers.init_template_helpers(app)
    from portal.home.navigation import init_navigation

    init_navigation(app)


def _init_extensions(app: Flask) -> None:
    # Models must be imported before migrate/alembic look at the metadata.
    import portal.models
    from portal.core import access, errors, logs, once, security
    from portal.core.db import db, migrate
    from portal.core.extensions import csrf, limiter, login_manager, wtforms_helpers
    from portal.core.htmx import htmx

    # First, so every later step of a request logs with its id.
    logs.init_logging(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    wtforms_helpers.init_app(app)
    login_manager.init_app(app)
    from portal.accounts.single_sign_on.client import oauth

    oauth.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    from datetime import timedelta

    import portal.accounts.session  # noqa: F401  (registers the user loader)

    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_HOURS"])
    from portal.core.urls import refuse_nul_in_address

    app.before_request(refuse_nul_in_address)
    app.before_request(access.refuse_unruled_endpoints)
    security.init_security(app)
    errors.init_errors(app)
    once.init_once(app)
    from portal.core.jobs import init_jobs

    init_jobs(app)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.admin_views import bp as users_bp
    from portal.accounts.audit_views import bp as audit_bp
    from portal.accounts.councils.views import bp as councils_bp
    from portal.accounts.invitation_views import bp as invitations_bp
    from portal.accounts.outbox_views import bp as outbox_bp
    from portal.accounts.single_sign_on.admin_views import bp as sign_on_admin_bp
    from portal.accounts.single_sign_on.views import bp as sign_on_bp
    from portal.accounts.two_factor_views import bp as two_factor_bp
    from portal.accounts.views import bp as accounts_bp
    from portal.assessment.feedback.views import bp as feedback_bp
    from portal.assessment.observations.views import bp as observations_bp
    from portal.assessment.outside_feedback.views import bp as outside_bp
    from portal.assessment.queue.views import bp as assess_bp
    from portal.assessment.reports.views import bp as reports_bp
    from portal.assessment.support_plans.views import bp as support_plans_bp
    from portal.assignments.views import bp as assignments_bp
    from portal.cohorts.version_views import bp as cohort_versions_bp
    from portal.cohorts.views import bp as cohorts_bp
    from portal.core.views import bp as core_bp
    from portal.data_protection.erasure_views import bp as erasure_bp
    from portal.data_protection.retention_views import bp as data_protection_bp
    from portal.data_protection.views import bp as subject_access_bp
    from portal.evidence.attachment_views import bp as attachments_bp
    from portal.evidence.views import bp as evidence_bp
    from portal.frameworks.imports.views import bp as framework_imports_bp
    from portal.frameworks.mappings.views import bp as framework_mappings_bp
    from portal.frameworks.views import bp as frameworks_bp
    from portal.home.views import bp as home_bp
    from portal.moderation.internal_views import bp as panel_moderation_bp
    from portal.moderation.moderator_views import bp as moderating_bp
    from portal.moderation.views import bp as moderation_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.packs.copies.views import bp as copies_bp
    from portal.packs.views import bp as packs_bp
    from portal.panels.agenda_views import bp as agendas_bp
    from portal.panels.attendance_views import bp as attendance_bp
    from portal.panels.correction_views import bp as corrections_bp
    from portal.panels.decision_views import bp as decisions_bp
    from portal.panels.letter_views import bp as letters_bp
    from portal.panels.snapshot_files import bp as panel_files_bp
    from portal.panels.timeline_views import bp as timeline_bp
    from portal.panels.views import bp as panels_bp
    from portal.partnerships.service_views import bp as service_partnerships_bp
    from portal.partnerships.views import bp as partnerships_bp
    from portal.portfolios.framework_moves.views import bp as framework_moves_bp
    from portal.portfolios.records.agreeing_views import bp as agreeing_bp
    from portal.portfolios.records.views import bp as records_bp
    from portal.portfolios.schedule.views import bp as schedule_bp
    from portal.portfolios.sufficiency.views import bp as sufficiency_bp
    from portal.portfolios.views import bp as portfolios_bp
    from portal.programmes.building_views import bp as programme_builder_bp
    from portal.programmes.views import bp as programmes_bp
    from portal.reminders.views import bp as reminders_bp
    from portal.reports.partnership_views import bp as partnership_reports_bp
    from portal.reports.people_views import bp as workforce_people_bp
    from portal.reports.views import bp as workforce_bp

    for blueprint in (core_bp, accounts_bp, users_bp, home_bp, cohorts_bp, frameworks_bp,
                      evidence_bp, attachments_bp, portfolios_bp, records_bp, sufficiency_bp,
                      programmes_bp, schedule_bp, assignments_bp, assess_bp, notifications_bp,
                      feedback_bp, outside_bp, observations_bp, reports_bp, panels_bp,
                      agendas_bp, attendance_bp, timeline_bp, decisions_bp, corrections_bp,
                      support_plans_bp, invitations_bp, outbox_bp, reminders_bp, letters_bp,
                      agreeing_bp, panel_files_bp, audit_bp, workforce_bp,
                      workforce_people_bp, two_factor_bp, subject_access_bp, sign_on_bp,
                      sign_on_admin_bp, framework_imports_bp, framework_mappings_bp,
                      moderation_bp, moderating_bp, panel_moderation_bp,
                      framework_moves_bp, councils_bp, erasure_bp, data_protection_bp,
                      packs_bp, copies_bp, programme_builder_bp, cohort_versions_bp,
                      service_partnerships_bp, partnerships_bp, partnership_reports_bp):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from portal.accounts.councils.commands import councils_cli
    from portal.accounts.secrets_commands import secrets_cli
    from portal.backups.commands import backup_cli
    from portal.demo.commands import seed_demo_command
    from portal.evidence.commands import attachments_cli
    from portal.frameworks.commands import frameworks_cli
    from portal.partnerships.commands import partnerships_cli

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_cli)
    app.cli.add_command(councils_cli)
    app.cli.add_command(partnerships_cli)
    app.cli.add_command(secrets_cli)
    app.cli.add_command(frameworks_cli)
    app.cli.add_command(attachments_cli)
    from portal.core.commands import worker_command

    app.cli.add_command(worker_command)
    import portal.reminders.jobs
    from portal.reminders.commands import reminders_cli

    app.cli.add_command(reminders_cli)
    import portal.data_protection.jobs  # registers the daily retention tick
    from portal.data_protection.commands import retention_cli

    app.cli.add_command(retention_cli)
    import portal.portfolios.snapshots  # noqa: F401  (registers the snapshot immutability guard)
