"""Programmes (ASYE, EPD, progression) that cohorts follow."""
