"""The panels around the matrix: quick add, details, time entries, filter, incident banner, status."""
