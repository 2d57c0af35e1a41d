"""Teaching partnerships: councils grouped by the service administrator, who grant each
other, explicitly and for a period, the things they share (issue 23)."""
