"""The assessor's and line manager's single work queue."""
