"""Request and answer bodies of the classroom (app/web/api/routes/classes.py)."""

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from app.schemas.session import MAX_SEED, STRICT, SessionConfig, SessionCreated, SessionMetrics
from app.schemas.status import ControlGroup, JoinCodeState, StudentStatus
from app.schemas.types import Float, Int, one_of
from engine import datasets


class ClassStart(BaseModel):
    """What students start from (and what a push gives them): one of a preset, a lesson or a config; none is the
    playground's default."""

    model_config = STRICT
    preset: str | None = Field(None, description="A preset's name (GET /api/catalogue).")
    lesson: str | None = Field(None, description="A lesson's id (GET /api/lessons): its starting network.")
    config: SessionConfig | None = None

    @model_validator(mode="after")
    def _one_at_most(self) -> "ClassStart":
        if sum(value is not None for value in (self.preset, self.lesson, self.config)) > 1:
            raise ValueError("give one of preset, lesson and config")
        return self


class ClassCreate(BaseModel):
    """A new class."""

    model_config = STRICT
    name: str = Field(..., min_length=1, max_length=100, examples=["3班 神经网络"])
    language: Literal["zh", "en"] = "zh"
    start: ClassStart = Field(default_factory=ClassStart)
    locked: list[ControlGroup] = Field(default_factory=list, description="Controls students may not use.")
    max_students: Int = Field(40, ge=1, description="How many students may join (at most the server's "
                                                      "max_students_per_class).")
    teacher_key: str | None = Field(None, max_length=200, description="Needed when the server sets NNPLAY_TEACHER_KEY.")


class ClassCreated(BaseModel):
    """The new class: keep the teacher token (the dashboard's key); give students the join code or link."""

    id: str
    name: str
    join_code: str = Field(..., description="6 characters, no 0/O/1/I: easy to read aloud.")
    teacher_token: str
    join_url: str
    dashboard_url: str = Field(..., description="Opens the dashboard on any device: a secret link (it is exchanged "
                                                "for a cookie on first open, and the address bar no longer shows it).")


class Rejoin(BaseModel):
    """The same browser again: the student's id and their session's token."""

    model_config = STRICT
    student_id: str = Field(..., max_length=40)
    token: str = Field(..., max_length=200)


class JoinRequest(BaseModel):
    """A student joins with the code the teacher gave."""

    model_config = STRICT
    code: str = Field(..., max_length=32, examples=["K7Q-P4M"])
    name: str = Field("", max_length=40, description="A nickname; empty: a friendly one is made up.")
    rejoin: Rejoin | None = None


class Joined(BaseModel):
    """The student is in: their session works with every session endpoint and the stream."""

    class_id: str
    class_name: str
    student_id: str
    nickname: str
    session: SessionCreated


class StudentOut(BaseModel):
    """One student on the teacher's dashboard."""

    id: str
    nickname: str
    session_id: str
    status: StudentStatus
    metrics: SessionMetrics | None = Field(None, description="Latest metrics (none while offline).")
    epoch: int = Field(..., description="The epoch of their network (the stored one while offline).")


class ClassOut(BaseModel):
    """A class as its teacher sees it."""

    id: str
    name: str
    language: str
    join_code: str | None
    code_state: JoinCodeState
    paused: bool
    locked: list[ControlGroup]
    max_students: int
    start: ClassStart
    students: list[StudentOut]
    counts: dict[StudentStatus, int]


class ClassChange(BaseModel):
    """Lock or unlock controls."""

    model_config = STRICT
    locked: list[ControlGroup]


class PushRequest(ClassStart):
    """Give students a preset, a lesson's network or a config (their networks restart from it)."""

    students: list[str] | None = Field(None, max_length=1000, description="Only these students (default: all).")

    @model_validator(mode="after")
    def _one(self) -> "PushRequest":
        if self.preset is None and self.lesson is None and self.config is None:
            raise ValueError("give one of preset, lesson and config")
        return self


class Pushed(BaseModel):
    """Whom a push reached (a student whose network could not take it is left out, and logged)."""

    reached: list[str]


class CodeChange(BaseModel):
    """Pause, open, rotate (a new code) or end the join code."""

    model_config = STRICT
    action: Literal["pause", "open", "rotate", "end"]


class Recover(BaseModel):
    """The server's teacher key, to get a class's dashboard back."""

    model_config = STRICT
    teacher_key: str = Field(..., max_length=200)


class TeacherToken(BaseModel):
    """A new teacher token (the old one no longer works) and the dashboard link that holds it."""

    teacher_token: str
    dashboard_url: str


class ChallengeSpec(BaseModel):
    """A goal on the class, checked by the server on a test set the challenge fixes and students never see."""

    model_config = STRICT
    title: str = Field(..., min_length=1, max_length=100, examples=["Spiral: test loss below 0.08"])
    dataset: str = Field("spiral", json_schema_extra=one_of(*datasets.DATASETS))
    noise: Float = Field(0.0, ge=0, le=1)
    n_points: Int = Field(500, ge=10, description="Points of the challenge's test set (at most the server's "
                                                   "max_points).")
    seed: Int | None = Field(None, ge=0, le=MAX_SEED, description="The test set's seed; default: a secret one.")
    goal_test_loss: Float = Field(..., gt=0, description="Passed when the loss on the challenge's test set is below.")
    max_params: Int | None = Field(None, ge=1, description="At most this many weights and biases.")
    features: list[str] | None = Field(None, max_length=20, description="The input features allowed (e.g. "
                                                                         "[\"x1\", \"x2\"]: no extra features).")


class ChallengeResult(BaseModel):
    """A student's network checked against the challenge now, and their best so far."""

    test_loss: float | None
    test_accuracy: float | None
    n_params: int
    features: list[str]
    passed: bool
    eligible: bool = Field(..., description="Whether the network keeps the rules (size, features): only then does "
                                            "its test loss count.")
    reasons: list[str] = Field(..., description="What is still missing (empty when passed).")
    best: dict[str, Any] = Field(..., description="The student's best: test_loss, test_accuracy, passed, "
                                                  "n_params, first_passed_at.")


class LeaderboardEntry(BaseModel):
    student_id: str
    nickname: str
    test_loss: float | None
    test_accuracy: float | None
    n_params: int
    passed: bool
    first_passed_at: float | None = Field(None, description="Seconds since the epoch when the goal was first met.")


class ChallengeView(BaseModel):
    """The class's challenge with its leaderboard (the teacher's view)."""

    spec: ChallengeSpec
    revealed: bool = Field(..., description="Whether students see the leaderboard.")
    first: list[LeaderboardEntry] = Field(..., description="Who met the goal, first first.")
    best_loss: list[LeaderboardEntry] = Field(..., description="Everyone checked, lowest test loss first.")
    fewest_params: list[LeaderboardEntry] = Field(..., description="Who met the goal, smallest network first.")


class Reveal(BaseModel):
    model_config = STRICT
    revealed: bool


class SnapshotOut(BaseModel):
    """A snapshot of a student's network (its picture: GET .../snapshots/{id}/frame, a stream frame)."""

    id: str
    student_id: str
    nickname: str
    by_teacher: bool = Field(..., description="Taken by the teacher (else submitted by the student).")
    chosen: bool = Field(..., description="Shown in the gallery.")
    epoch: int
    metrics: dict[str, Any]
    taken_at: float


class TakeSnapshot(BaseModel):
    model_config = STRICT
    student_id: str = Field(..., max_length=32)


class ChooseSnapshot(BaseModel):
    model_config = STRICT
    chosen: bool


class LoadSnapshot(BaseModel):
    """Load a snapshot's network (config and weights) into every student's playground, or the chosen ones'."""

    model_config = STRICT
    students: list[str] | None = Field(None, max_length=1000)
