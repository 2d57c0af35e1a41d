"""Tests written during a security review: each demonstrates an attack and expects it to fail."""
