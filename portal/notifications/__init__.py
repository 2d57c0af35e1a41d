"""In-portal notifications (email delivery comes later through the same records)."""
