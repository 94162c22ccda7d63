"""The identity of our database files: the schema version this code writes and the SQLite application id.

A leaf (it imports nothing of the package): the engine, the health check, the
backups and the read model all need these two numbers, and none of them may
import another just to learn them.
"""

from __future__ import annotations

SCHEMA_VERSION = 4  # bump with each new step in engine.MIGRATIONS
APPLICATION_ID = 0x50524954  # PRAGMA application_id of our files ("PRIT"): tells them from other applications'
