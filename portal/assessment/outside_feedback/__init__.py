"""One-time feedback links for people without an account."""
