"""People, their roles, sign-in and the administrator's user management."""
