"""Who assesses and line-manages whom, with history: the relationship every access rule
about a candidate checks."""
