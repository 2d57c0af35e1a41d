"""Administrators import, check, edit, activate and retire framework versions on the web."""
