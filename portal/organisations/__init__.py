"""Councils, their teams and their cohorts."""
