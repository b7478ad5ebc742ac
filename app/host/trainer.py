"""The host's trainer: one thread that gives the due sessions their training slices and frames, in fair turns.

A session is due when it plays with a viewer of its own (a training slice), or when a viewer waits for a frame it
can be given (frames are budgeted per principal apart from its other work). Each turn goes to the due session
whose principal has used the least of the host's CPU (app/host/fair_share.py) when the turn is handed on.
Playing sessions of one shape train together in one stacked slice (app/host/stacking.py); a session of a
group whose frame is already new gets the frame without a slice of its own.
"""

import logging
import time
import traceback

from app.host import fair_share
from app.host.fair_share import Cancelled
from app.host.session import Session
from app.host.stacking import StackedPlay
from app.schemas.status import SessionStatus

log = logging.getLogger("nnplay.host")
MIN_SLICE_SECONDS = 0.0002  # shorter than any epoch: a slice is then exactly one epoch
BUSY_WAIT_SECONDS = 0.001
FRAMES = "frames:"  # the key a principal's frame building competes for the CPU as (principals hold no colon)
TRAINING_WEIGHT = 4.0  # a training slice no viewer waits for counts 4 times its time: frames go first
GROUP_SLICE_CHUNKS = 2  # a group's stacked slice may last this many train_chunk_seconds (it trains them all)


class Trainer:
    """The trainer of one SessionHost (whose sessions, viewers, CPU share and checkpoints it uses)."""

    def __init__(self, host):
        self.host = host
        self._turn = 0
        self._chosen_from: tuple[dict[str, Session], int] = ({}, 0)  # the due sessions the last choice was made from
        self._active: set[str] = set()  # sessions with a viewer of their own (as due() last saw them)
        self.stacks = StackedPlay()  # playing sessions of one shape train together

    def due(self) -> tuple[dict[str, Session], int]:
        """The sessions with work for the trainer, by the key of the turn they compete for, and how many play.

        A session with a viewer waiting for a frame it can be given (the session plays, or has a version that
        viewer has not seen) competes as ``frames:<principal>``: frame building (with the slice that makes the
        frame new) is budgeted per principal apart from its other work, so a learner's frames come as soon as
        asked for, however much CPU others' frames and its own training take. A session that plays with no
        viewer waiting competes as its principal, for a training slice.
        """
        waiting: dict[str, set[int]] = {}  # session id -> the versions its waiting viewers have seen
        active = set()  # sessions with a viewer of their own (not only a teacher looking on): those train
        for viewer in list(self.host.viewers.values()):
            versions = waiting.setdefault(viewer.session_id, set())
            if viewer.waiting:
                versions.add(viewer.sent_version)
            if not viewer.passive:
                active.add(viewer.session_id)
        due, playing = {}, 0
        self._active = active
        for session_id, versions in waiting.items():
            session = self.host.sessions.get(session_id)
            if session is None:
                continue
            plays = session.status == SessionStatus.playing and session_id in active
            playing += plays
            if versions and (plays or versions - {session.version}):
                due[FRAMES + session.principal] = session
            elif plays:
                due[session.principal] = session
        return due, playing

    def _due_keys(self) -> list[tuple[str, str, float]]:
        """(key, principal, weight) of each due session: the key it competes for, the principal whose session
        it is (whose lock its turn takes) and how much its time counts (training no one waits for counts
        TRAINING_WEIGHT times, so that frames someone waits for go first), rotating (the first of equals first)."""
        self._chosen_from = self.due()  # the turn handed on is for one of these: take_turn reads it from here
        due = [(key, session.principal, 1.0 if key.startswith(FRAMES) else TRAINING_WEIGHT)
               for key, session in self._chosen_from[0].items()]
        if not due:
            return due
        self._turn = (self._turn + 1) % len(due)
        return due[self._turn:] + due[:self._turn]

    def run_forever(self) -> None:
        """Take turns for the due sessions until the host stops; sleep while none is due."""
        while not self.host._stopping:
            with self.host._changed:
                while not self.host._stopping and not self.due()[0]:
                    self.host._changed.wait(timeout=1.0)
            while not self.host._stopping and self.take_turn():
                pass

    def take_turn(self) -> bool:
        """One turn of the trainer: the due session whose principal has used the least when the turn comes
        gets a training slice (if it plays) and its frames. False if no session was due.

        The trainer waits in line for whichever due session is least used at the moment the turn is handed
        on, so a session that becomes due (a viewer that wants a frame) never waits behind the one the trainer
        happened to be waiting for. A slice shrinks as more sessions play, so that each still changes at about
        the default frame rate, and may end between two mini-batches, so a turn is short whatever an epoch
        costs.
        """
        if not self.due()[0]:
            return False
        session, busy = None, False
        try:
            with self.host.share.turn_for_least_used(self._due_keys, lambda: self.host._stopping) as key:
                due, playing = self._chosen_from  # what the key was chosen from, as the turn was handed on
                session = due.get(key)
                if session is None:
                    return True  # deleted, or served, meanwhile
                plays = session.status == SessionStatus.playing and session.id in self._active
                if plays and key.startswith(FRAMES) and self.stacks.is_grouped(session) and self._has_news(session):
                    busy = not self._serve_if_free(session)  # its group's slices made its frame new: no slice
                else:
                    busy = plays and not self._play(session, playing, for_frames=key.startswith(FRAMES))
                    if not busy:  # a light call holds its lock: its frames wait for its next turn, not this one
                        self.host._serve_viewers(session)
        except Cancelled:
            pass  # the host is stopping
        except Exception:  # the session paused itself
            log.error("training session %s failed:\n%s", getattr(session, "id", "?"), traceback.format_exc())
        if busy:
            time.sleep(BUSY_WAIT_SECONDS)  # a light call holds this session's lock: let it finish
        return True

    def _serve_if_free(self, session: Session) -> bool:
        """Its viewers' frames, unless a call holds its lock (False: they wait for its next turn)."""
        if not session.lock.acquire(blocking=False):
            return False
        try:
            self.host._serve_viewers(session)
        finally:
            session.lock.release()
        return True

    def _has_news(self, session: Session) -> bool:
        """Whether every viewer of ``session`` waiting for a frame has not seen its version yet (its group's
        slices trained it since): the frame needs no slice of its own."""
        return all(viewer.sent_version != session.version for viewer in list(self.host.viewers.values())
                   if viewer.session_id == session.id and viewer.waiting)

    def _play(self, session: Session, playing: int, for_frames: bool) -> bool:
        """A training slice for ``session`` and, stacked with it, for the playing sessions it can train with
        (each with a viewer of its own); False if a call holds its lock. A session's slice shrinks as more sessions
        play, so that each still changes at about the default frame rate; a group's is its members' together."""
        turn = 1.0 / (max(1, playing) * self.host.settings.default_fps)
        chunk = self.host.settings.train_chunk_seconds
        watched = [other for other in map(self.host.sessions.get, self._active) if other is not None]
        mates, elsewhere = self.stacks.mates(session, watched)
        with self.stacks.locked(mates) as taken:
            if not taken:
                return False
            if len(taken) == 1:  # alone; if it has mates, it ends its slices where theirs end, to join them
                if self.stacks.is_grouped(session):  # it was in a group: it leaves it (a set lookup per slice)
                    self.stacks.forget(session)
                session.play_slice(max(MIN_SLICE_SECONDS, min(chunk, turn)), to_epoch_end=elsewhere or len(mates) > 1)
            else:
                work = fair_share.current()
                if work is not None:  # the principals it trains share its time, as the turn counts it
                    prefix, weight = (FRAMES, 1.0) if for_frames else ("", TRAINING_WEIGHT)
                    self.host.share.charge_together(work, [prefix + other.principal for other in taken], weight)
                try:
                    self.stacks.train(taken, max(MIN_SLICE_SECONDS, min(GROUP_SLICE_CHUNKS * chunk,
                                                                        turn * len(taken))))
                finally:
                    if work is not None:
                        self.host.share.charge_together(work, None)
        for other in taken:
            self.host._checkpoint(other)  # if its last checkpoint is checkpoint_seconds old (locks released)
        return True
