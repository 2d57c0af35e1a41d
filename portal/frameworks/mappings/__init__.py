"""The mapping editor: which elements of one framework version correspond to another's."""
