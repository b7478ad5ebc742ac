"""The single settings object, read from environment variables (prefix NNPLAY_) and an optional .env file."""

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the server can be configured with: where it listens and how much one user may ask for."""

    model_config = SettingsConfigDict(env_prefix="NNPLAY_", env_file=".env", extra="ignore")

    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(8000, ge=1, le=65535, description="TCP port to listen on.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses (or networks) of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are "
                    "believed, e.g. [\"127.0.0.1\"] behind nginx on this machine. Empty: the peer address is the "
                    "client, so no local process can claim another address to dodge the per-client limits.",
    )
    allowed_origins: list[str] = Field(
        default_factory=list, description="Origins allowed besides the server's own (WebSocket and CORS)."
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Names (or addresses) the Host header may carry besides those the server listens on, e.g. "
                    "[\"nnplay.school\"] for a DNS name of this machine; [\"*\"] turns the check off. Any other "
                    "Host gets 400, so a web page cannot reach the server through a name it controls (DNS rebinding).",
    )

    # Sessions
    max_sessions: int = Field(500, ge=1, description="Live sessions on this server at most.")
    max_sessions_per_client: int = Field(20, ge=1, description="Live sessions one client address may hold.")
    session_idle_seconds: float = Field(1800, gt=0, description="A session untouched this long is evicted.")

    # Where sessions are kept (docs/hosting.md "Data")
    data_dir: Path = Field(Path("nnplay-data"), description="Folder of the embedded SQLite database "
                           "(nnplay.sqlite3), created on first start; relative to the working directory.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the store, e.g. postgresql+psycopg://user:password@host/nnplay; "
                          "default: SQLite in data_dir.",
    )
    database_pool_size: int = Field(
        5, ge=1, le=100, description="PostgreSQL connections each process (web process, session host) keeps open. On "
                                     "a cluster every web process and host actor has its own: keep their sum under "
                                     "the server's max_connections (docs/deploy.md).",
    )
    database_max_overflow: int = Field(
        10, ge=0, le=100, description="PostgreSQL connections each process may open beyond the pool when busy.",
    )
    checkpoint_seconds: float = Field(5.0, gt=0, description="A playing session is checkpointed this often.")
    retention_days: float = Field(30, gt=0, description="A stored session unused this long is removed.")
    max_stored_sessions: int = Field(20_000, ge=1, description="Sessions kept in the store at most (live or not): "
                                     "44 KB to 264 KB each (docs/hosting.md), so 0.9 to 5.3 GB of disk.")
    max_stored_sessions_per_client: int = Field(
        200, ge=1, description="Stored sessions one client address may own; more get 429 until some are deleted "
                               "or expire.",
    )

    # Classes (docs/classroom.md)
    teacher_key: str | None = Field(
        None, description="If set, creating a class needs this key (only teachers who know it can); unset: anyone "
                          "who reaches the server may create one.",
    )
    max_classes: int = Field(200, ge=1, description="Classes stored at most.")
    max_students_per_class: int = Field(200, ge=1, description="The largest class a teacher may create.")
    join_failures_per_minute: int = Field(
        30, ge=1, description="Wrong join codes one address may try per minute; then 429 for a minute. A school is "
                              "one address: a few typos must not lock it out.",
    )

    # Sizes a config may ask for
    max_points: int = Field(5000, ge=4, description="Points in a session's dataset at most.")
    max_hidden_layers: int = Field(8, ge=0, description="Hidden layers at most.")
    max_units: int = Field(32, ge=1, description="Neurons in one hidden layer at most.")
    max_epochs_per_call: int = Field(5000, ge=1, description="Epochs one REST training call may run.")
    max_seconds_per_call: float = Field(
        20.0, gt=0, description="Wall time one heavy call (training, sweep, grid, predict, checks) may take, its "
                                "wait for a turn of the host's CPU included.",
    )
    max_grid: int = Field(200, ge=2, le=200, description="Heatmap resolution at most (R for R x R).")
    max_heavy_calls: int = Field(
        2, ge=1, description="Heavy calls (train, step, sweep, grid, predict, checks) one principal (today: one "
                             "session) may have under way at once, over all hosts; more get 429.",
    )
    max_jobs: int = Field(8, ge=1, description="Background experiments running at once on one session host.")
    max_job_seconds: float = Field(600.0, gt=0, description="Wall time one background experiment may take.")
    max_predict_rows: int = Field(10_000, ge=1, description="Rows one predict call may send.")

    # Requests and streams
    max_body_bytes: int = Field(2_000_000, ge=1024, description="Largest request body accepted.")
    max_ws_message_bytes: int = Field(16_384, ge=256, description="Largest WebSocket control message.")
    header_timeout_seconds: float = Field(
        10.0, gt=0, description="Time a client has to send a request's headers (counted from connecting, or from the "
                                "previous answer), and the longest silence while it sends a body; then the "
                                "connection is closed.",
    )
    max_viewers_per_session: int = Field(8, ge=1, description="Open streams on one session at most.")
    max_neuron_resolution: int = Field(64, ge=2, le=200, description="Largest neuron thumbnail a stream may ask for.")
    max_grid_values: int = Field(
        1_000_000, ge=1000, description="Numbers one grid or predict answer may hold (resolution^2 x maps)."
    )
    max_frame_values: int = Field(
        1_000_000, ge=10_000, description="Values one stream frame may compute (grid cells x neurons of its "
                                          "heatmaps); a larger view of a large network is sent at a lower resolution.",
    )
    max_fps: float = Field(60.0, gt=0, description="Highest frame rate a stream may ask for.")
    default_fps: float = Field(30.0, gt=0, description="Frame rate of a stream until the client asks otherwise.")
    stream_bytes_per_second: float = Field(
        120_000, ge=1000, description="Bandwidth budget of one stream; heatmaps wait for room in it."
    )
    train_chunk_seconds: float = Field(0.01, gt=0, description="Longest slice of training between checks.")
    gil_switch_seconds: float = Field(
        0.0005, gt=0, le=0.1, description="Python's thread switch interval (see docs/performance.md)."
    )
    host_niceness: int = Field(5, ge=0, le=19, description="How much lower the hosts' CPU priority is.")
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=0, le=64,
        description="Session host processes (one per core uses every core); 0 hosts sessions in a thread.",
    )
    hosts: Literal["local", "ray"] = Field(
        "local", description="Where sessions are hosted: `local`, host processes of this server (`workers`); `ray`, "
                             "host actors on the Ray cluster at RAY_ADDRESS, shared by every web node of that "
                             "cluster (needs the `cluster` extra and a PostgreSQL `database_url`: docs/deploy.md).",
    )
    ray_hosts: int | None = Field(
        None, ge=1, le=4096,
        description="With hosts=ray: how many host actors the cluster has (a session's host is a hash of its id over "
                    "them, so every web node must say the same). Unset: the cluster's CPUs when this web node starts.",
    )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
