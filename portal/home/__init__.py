"""Each person's home page, built from the roles they hold."""
