"""The tabs beside the matrix: Today, Balance, the weekly review (and its PDF)."""
