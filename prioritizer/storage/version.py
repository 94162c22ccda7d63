"""The schema version this Prioritizer writes: a leaf module, so anything may import it without SQLAlchemy."""

SCHEMA_VERSION = 3
