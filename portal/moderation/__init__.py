"""Moderation: the internal panel confirming (or not) each assessor's recommendation, and
external moderation rounds (a sample of decided portfolios, anonymised packs shared with
external moderators for a limited time, their template, the summary report)."""
