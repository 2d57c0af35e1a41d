"""Review-point and final reports, and support plans."""
