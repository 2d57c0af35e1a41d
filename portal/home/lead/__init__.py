"""The programme lead's dashboard: where each cohort and candidate stands and why, the
review points, reports and panels coming up, and each assessor's workload."""
