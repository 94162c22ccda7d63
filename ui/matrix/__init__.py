"""The matrix: the open items, the four quadrant lists, their cards and what a drop does."""
