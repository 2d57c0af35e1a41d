"""Data protection (UK GDPR): the subject access export, for administrators."""
