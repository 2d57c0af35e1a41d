"""Shared plumbing: database, extensions, htmx rendering, security, audit, access rules."""
