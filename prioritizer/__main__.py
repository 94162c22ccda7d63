"""``python -m prioritizer`` runs the command line."""

from prioritizer.cli import run

run()
