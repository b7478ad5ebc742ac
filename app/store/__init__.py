"""The durable store: sessions (and later classes) in SQLite by default, PostgreSQL by URL, through SQLAlchemy.

Shared by both processes: the session hosts write and read checkpoints themselves (a host that restarts reloads
its sessions without the web process); the web process reads records (who owns a session, its token's hash) and
removes what is deleted or too old. Neither waits for the database on the event loop or in a training slice.
"""
