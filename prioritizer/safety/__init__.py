"""Keeping the user's data: the one-window lock, health checks of the file, verified backups."""
