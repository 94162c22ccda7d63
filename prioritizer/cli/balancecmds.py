"""Commands: balance."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the commands of this module to the sub-parser set."""
