"""Portfolios: a candidate's programme record, review points, records and submissions."""
