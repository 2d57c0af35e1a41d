"""Review reports and support plans: what each review point of a portfolio produced."""
