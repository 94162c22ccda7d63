"""Prioritizer: an Eisenhower matrix for customer-service managers (Qt-free core)."""

__version__ = "0.1.0"
