"""Portfolio packs: a submitted snapshot as one bookmarked PDF, built by a background job
for the person who asked (anonymised when they asked as a panel member)."""
