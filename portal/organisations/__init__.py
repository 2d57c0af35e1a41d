"""Councils, their teams and their cohorts (the tables; the cohort pages are portal.cohorts)."""
