"""The store's tables (SQLAlchemy Core). Migrations in app/store/migrations/ create and change them."""

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text

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
    Column("class_id", String(32), nullable=True, index=True),  # a student's session: its class
)

classes = Table(
    "classes", metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("language", String(8), nullable=False),
    Column("start", Text, nullable=False),  # JSON: {"preset": name} | {"lesson": id} | {"config": {...}}
    Column("locked", Text, nullable=False),  # JSON list of the control groups students may not use
    Column("max_students", Integer, nullable=False),
    Column("teacher_token_hash", String(64), nullable=False),
    Column("join_code", String(16), nullable=True, unique=True),  # null once the code is ended
    Column("code_state", String(8), nullable=False),  # a JoinCodeState
    Column("paused", Integer, nullable=False),  # 1: the class is paused (students' training and controls)
    Column("created_at", Float, nullable=False),
    Column("used_at", Float, nullable=False, index=True),
)

students = Table(
    "students", metadata,
    Column("id", String(32), primary_key=True),
    Column("class_id", String(32), ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("nickname", String(40), nullable=False),
    Column("session_id", String(32), nullable=False),
    Column("joined_at", Float, nullable=False),
    Column("removed", Integer, nullable=False),  # 1: the teacher removed them (their session is deleted)
    Column("active_seconds", Float, nullable=False, server_default="0"),  # their page's stream open, in all
)

challenges = Table(
    "challenges", metadata,
    Column("id", String(32), primary_key=True),
    Column("class_id", String(32), ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("spec", Text, nullable=False),  # JSON: the ChallengeSpec, its secret test-set seed included
    Column("revealed", Integer, nullable=False),  # 1: students see the leaderboard
    Column("created_at", Float, nullable=False),
)

challenge_results = Table(
    "challenge_results", metadata,
    Column("challenge_id", String(32), ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True),
    Column("student_id", String(32), primary_key=True),
    Column("test_loss", Float, nullable=True),  # on the challenge's own test set (best so far)
    Column("test_accuracy", Float, nullable=True),
    Column("n_params", Integer, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("first_passed_at", Float, nullable=True),  # when the goal was first met (the leaderboard's "first")
    Column("checked_at", Float, nullable=False),
)

snapshots = Table(
    "snapshots", metadata,
    Column("id", String(32), primary_key=True),
    Column("class_id", String(32), ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("student_id", String(32), nullable=False),
    Column("nickname", String(40), nullable=False),  # as it was when taken
    Column("by_teacher", Integer, nullable=False),  # 1: the teacher took it; 0: the student submitted it
    Column("chosen", Integer, nullable=False),  # 1: shown in the gallery
    Column("epoch", Integer, nullable=False),
    Column("metrics", Text, nullable=False),  # JSON: the session's metrics when taken
    Column("document", Text, nullable=False),  # JSON: the export document (config and model), to load it again
    Column("picture", LargeBinary, nullable=False),  # one whole stream frame, to show it large
    Column("taken_at", Float, nullable=False),
)

join_failures = Table(  # only on a cluster (NNPLAY_HOSTS=ray): one web process counts them in memory
    "join_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("address", String(64), nullable=False),  # the client's address, as the join throttle keys it
    Column("at", Float, nullable=False, index=True),  # when (wall clock); rows older than the window are purged
    Index("ix_join_failures_address_at", "address", "at"),
)
