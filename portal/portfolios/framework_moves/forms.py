"""Choosing a cohort's move (a GET form: nothing changes until the confirmation page)."""

from portal.frameworks.forms import version_pair_form

ChooseMoveForm = version_pair_form("move", "Continue")
