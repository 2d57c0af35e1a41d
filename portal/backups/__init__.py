"""Backups and the restore drill: a backup nobody restored is a hope."""
