"""Direct observations of practice: draft, completed, signed off."""
