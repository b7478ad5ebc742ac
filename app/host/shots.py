"""One session's snapshots of its latest version, shared by its viewers (the expensive part of a frame is built
once per session, version and view; each viewer's encoder keeps its own deltas and byte budget)."""

import threading

from app.host import snapshot
from app.host.frames import Snapshot
from app.host.session import Session


class Shots:
    """One session's snapshots of its latest version, one per view (output, neuron resolution), shared by
    its viewers: the expensive part of a frame is built once per session, version and view.

    Holds at most ``most`` views (least recently used dropped first); a newer version replaces them all.
    """

    def __init__(self, most: int):
        self.most = most
        self.version = -1
        self.by_view: dict[tuple[int, int], Snapshot] = {}  # insertion order = least recently used first
        self.lock = threading.Lock()  # one take at a time per session: viewers at the same view wait for it

    def get(self, session: Session, output_resolution: int, neuron_resolution: int) -> Snapshot:
        view = (output_resolution, neuron_resolution)
        with self.lock:
            shot = self.by_view.pop(view, None) if session.version == self.version else None
            if shot is None:
                shot = snapshot.take(session, output_resolution, neuron_resolution)  # under the session's lock
                version = shot.header["version"]
                if version != self.version:
                    self.version, self.by_view = version, {}
            self.by_view[view] = shot
            while len(self.by_view) > self.most:
                del self.by_view[next(iter(self.by_view))]
            return shot
