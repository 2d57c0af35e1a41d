"""Who assesses and line-manages whom, with history."""
