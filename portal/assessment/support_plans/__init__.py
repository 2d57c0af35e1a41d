"""Support plans: opened automatically after a concern, agreed with the candidate, closed."""
