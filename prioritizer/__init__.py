"""Prioritizer: an Eisenhower matrix for customer-service managers (Qt-free core)."""

from prioritizer import codecache

codecache.install()  # before any of the package's dataclasses is made (codecache.py)

__version__ = "0.1.0"
