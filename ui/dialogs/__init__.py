"""Dialogs: editing an item, a forgotten timer, recovery of a damaged database, errors."""
