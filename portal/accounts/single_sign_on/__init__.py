"""Single sign-on with the council's identity provider (OpenID Connect, e.g. Entra ID)."""
