"""The store: SQLAlchemy engine and migrations (`db`), tables (`schema`), and reads/writes (`repository`)."""
