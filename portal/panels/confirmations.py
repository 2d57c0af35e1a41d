"""What the chair's irreversible actions say on their confirmation pages
(portal.core.confirm), before the chair confirms them."""

from flask import url_for

from portal.core.confirm import Confirmation
from portal.panels.models import AgendaItem


def reveal_confirmation(item: AgendaItem) -> Confirmation:
    back = url_for("agendas.item", panel_id=item.panel_id, item_id=item.id)
    return Confirmation(
        question=f"Are you sure you want to reveal who {item.reference} is?",
        caption=item.panel.title,
        consequences=(
            "Every member of the panel will see the candidate's name, their team and their "
            "assessor on this portfolio's pages.",
            "The names stop being blanked out of the reflections and reports they read.",
        ),
        action_url=url_for("agendas.reveal", panel_id=item.panel_id, item_id=item.id),
        button="Yes, reveal their identity", cancel_url=back,
        cancel_text="No, keep it anonymous")
