"""The store's tables (SQLAlchemy Core). Migrations in app/store/migrations/ create and change them."""

from sqlalchemy import Column, Float, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

sessions = Table(
    "sessions", metadata,
    Column("id", String(32), primary_key=True),
    Column("token_hash", String(64), nullable=False),  # SHA-256 of the token, hex: the token is never stored
    Column("owner", String(64), nullable=False, index=True),  # the creating client's address (caps anonymous creation)
    Column("principal", String(64), nullable=False),  # on whose behalf its work runs
    Column("config", Text, nullable=False),  # the SessionConfig as JSON, with the user's own points or CSV
    Column("epoch", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # how it stood at the checkpoint (a SessionStatus)
    Column("state", LargeBinary, nullable=False),  # the model's training state (engine/checkpoint.py)
    Column("history", LargeBinary, nullable=False),  # the newest metric history (app/host/stored_session.py)
    Column("size_bytes", Integer, nullable=False),  # config + state + history: what it costs on disk
    Column("created_at", Float, nullable=False),  # seconds since the epoch (wall clock)
    Column("saved_at", Float, nullable=False),
    Column("used_at", Float, nullable=False, index=True),  # retention counts from here
)
