"""The receipt: what became of every dropped file, who has delivered what, and the pages."""
