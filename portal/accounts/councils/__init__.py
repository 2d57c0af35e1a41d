"""Councils in one portal: the service administrator adds a council and its first
administrator, from the web and the command line."""
