"""Moving a cohort's portfolios from one framework version to another through a mapping."""
