"""Cohorts and who is in them: the pages administrators and programme leads use.

Above assessment in the layering, because a cohort page shows each member's portfolio,
assessor and support plan. The cohort tables themselves are in portal.organisations.
"""
