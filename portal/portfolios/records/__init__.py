"""The candidate's records: agreement, development plans, supervision, protected time, KSS."""
