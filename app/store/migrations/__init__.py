"""Alembic migrations of the store (run by app/store/database.py's ``upgrade`` on start)."""
