"""Tests for portal.frameworks."""
