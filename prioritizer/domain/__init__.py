"""Plain domain values, the placement rules, drafts and the clock: pure Python, no storage, no Qt."""
