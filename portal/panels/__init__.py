"""Progression panels: meetings, agendas, anonymised review, decisions and their aftermath."""
