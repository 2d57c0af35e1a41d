"""Assessment: feedback, observations, outside feedback, review reports and the work queue."""
