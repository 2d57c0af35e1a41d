"""Sufficiency: checklist, completeness, heat map and late recording."""
