"""`flask partnerships`: adding a partnership, changing its councils and listing them from
the command line, with the same checks and audit rows as the web."""

from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.partnerships.models import Partnership


def test_the_command_line_adds_changes_and_lists_partnerships(app, members):
    runner = app.test_cli_runner()
    ids = [str(m.org.id) for m in members.values()]
    refused = runner.invoke(args=["partnerships", "create", "--name", "Solo",
                                  "--council", ids[0]])
    assert refused.exit_code != 0 and "at least two" in refused.output
    added = runner.invoke(args=["partnerships", "create", "--name", "Coast",
                                *(part for i in ids for part in ("--council", i))])
    assert added.exit_code == 0, added.output
    partnership = db.session.scalar(select(Partnership))
    assert len(partnership.councils) == 3
    changed = runner.invoke(args=["partnerships", "set-councils", str(partnership.id),
                                  "--council", ids[0], "--council", ids[1]])
    assert changed.exit_code == 0, changed.output
    listed = runner.invoke(args=["partnerships", "list"])
    assert "Coast" in listed.output and "Westmoor Council" not in listed.output
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("partnership.joined") == 3 and actions.count("partnership.left") == 1
    missing = runner.invoke(args=["partnerships", "set-councils", "999999", "--council",
                                  ids[0], "--council", ids[1]])
    assert missing.exit_code != 0 and "No partnership" in missing.output
