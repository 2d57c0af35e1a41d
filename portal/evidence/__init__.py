"""The candidate's evidence log: entries, links to framework elements, attachments."""
