"""Where the database is, its schema, the engine and migrations, and the read model."""
