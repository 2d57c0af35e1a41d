"""Feedback threads on evidence entries."""
