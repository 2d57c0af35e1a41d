"""Anonymised copies of a submitted snapshot: the redaction engine proposes, a programme
lead or administrator reviews every proposal (accept, change, reject, add their own), and
only then approves the copy, which records who approved it and when."""
