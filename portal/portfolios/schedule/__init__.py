"""The programme schedule: due dates, stage windows and part-time extensions."""
