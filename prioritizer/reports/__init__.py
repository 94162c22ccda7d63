"""Balance, review and the day plan, read in SQL, and their renderers."""
