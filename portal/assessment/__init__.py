"""Assessment: assignments, feedback, observations, outside feedback, review reports."""
