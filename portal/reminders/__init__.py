"""Daily reminders and nudges: what is coming up or overdue, once per event and person."""
