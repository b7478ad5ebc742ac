"""The answer of the health check."""

from typing import Literal

from pydantic import Field

from app.schemas.answer import Answer


class Health(Answer):
    """The server is up, and runs this engine."""

    status: Literal["ok"] = Field(..., description="Always ok: an answer at all means the server is up.")
    engine_version: str = Field(..., examples=["0.1.0"])
    store: "StoreHealth"
    hosts: list["HostHealth"] | None = Field(
        None, description="With NNPLAY_HOSTS=ray: the cluster's host actors as they answer now; null for the "
                          "server's own host processes.")


class StoreHealth(Answer):
    """Where sessions are stored, and whether writing them works (docs/hosting.md "Data")."""

    backend: str = Field(..., examples=["sqlite", "postgresql"])
    location: str = Field(..., description="The database's URL, without its password.")
    reachable: bool = Field(..., description="Whether the web process could read it just now.")
    error: str | None = Field(None, description="Why not, or why checkpoints fail.")
    checkpoints_waiting: int = Field(..., description="Checkpoints the session hosts have yet to write.")
    checkpoints_written: int = Field(..., description="Checkpoints the session hosts have written since they started.")
    checkpoints_failing_seconds: float | None = Field(
        None, description="How long the hosts' checkpoint writes have failed (they are retried, and nothing is "
                          "dropped); null while they succeed.")


class HostHealth(Answer):
    """One host actor of a Ray cluster (docs/deploy.md)."""

    index: int = Field(..., description="Its number: a session's host is a hash of the session's id over them.")
    available: bool = Field(..., description="Whether it answered just now (Ray restarts one that died).")
    node: str | None = Field(None, description="The `nnplay-node` label of the Ray node it runs on, if the node has "
                                                "one.")
    pid: int | None = Field(None, description="Its process on that node.")
    sessions: int | None = Field(None, description="Sessions in its memory.")
    viewers: int | None = Field(None, description="Streams and dashboard tiles it sends frames to.")
    restarted: bool | None = Field(None, description="Whether Ray restarted it after it died (its sessions come "
                                                     "back from their checkpoints as they are used).")
