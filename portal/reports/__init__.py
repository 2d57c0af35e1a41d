"""Workforce reports for programme leads and administrators (issue 20): who progresses
and how fast, who stays, and the leaving and team-change records retention is read from."""
