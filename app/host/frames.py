"""Binary stream frames: a JSON header, then float16 weights and uint8 heatmaps (see docs/protocol.md).

Layout of one frame (a binary WebSocket message), little-endian::

    0   4 bytes   magic b"NNPF"
    4   u8        protocol version (1)
    5   u8        flags: bit 0 set = the payload is zlib-compressed (DecompressionStream("deflate"))
    6   u16       reserved (0)
    8   u32       header length H in bytes
    12  H bytes   header, UTF-8 JSON
    12+H ...      payload: weights (float16), then heatmaps (uint8, row-major, row 0 = top)

The encoder keeps, per stream, the last heatmaps it sent and a byte budget (a token bucket), so a
frame carries only the heatmaps that changed visibly, and only as many bytes as the budget allows;
a heatmap left out stays due and goes in a later frame.
"""

import json
import time
import weakref
import zlib
from dataclasses import dataclass, field

import numpy as np

from app.core.frame_format import FLAG_DEFLATE, MAGIC, PREFIX, VERSION

FLOAT16_MAX = float(np.finfo(np.float16).max)
VISIBLE_CHANGE = 2  # quantization levels (of 255): smaller changes are not worth bytes
COMPRESS_ABOVE = 512  # bytes; smaller payloads are sent raw


@dataclass
class LayerMaps:
    """One layer's heatmaps: values (units, R, R) and the range that maps to 0..255 (None: per map)."""

    layer: int  # 0 = input features, k = hidden/output layer k
    values: np.ndarray
    value_range: tuple[float, float] | None
    kind: str  # "input", "neuron" or "output"
    _quantized: tuple | None = field(default=None, repr=False, compare=False)

    def quantized(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(maps as 0..255, per-map lo, per-map hi), computed once and shared by every viewer of the snapshot."""
        if self._quantized is None:
            lo, hi = _ranges(self)
            self._quantized = (quantize(self.values, lo, hi), lo, hi)
        return self._quantized


@dataclass
class Snapshot:
    """What one frame shows, copied from the session under its lock."""

    header: dict
    weights: np.ndarray  # every parameter in get_weights() order, flattened
    maps: list[LayerMaps]
    structure: dict | None = None  # layers, features, domain, task, n_classes, data_version


def _gone():
    return None


def quantize(values: np.ndarray, lo: np.ndarray | float, hi: np.ndarray | float) -> np.ndarray:
    """Map [lo, hi] linearly onto 0..255, clipping outside values; lo and hi may be per-map arrays. Overflowed
    values (huge weights before a divergence) give bytes too: infinities the ends, NaN and ranges of no width 0."""
    lo, hi = np.asarray(lo, dtype=np.float32), np.asarray(hi, dtype=np.float32)
    span = hi - lo
    if (np.isfinite(span) & (span > 0)).all():
        q = values - lo
        q *= np.float32(255) / span
    else:
        with np.errstate(all="ignore"):
            q = (values - lo) * np.where(np.isfinite(span) & (span > 0), np.float32(255) / span, np.float32(0))
    np.fmax(q, 0, out=q)  # NaN -> 0 (fmax ignores NaN)
    np.fmin(q, 255, out=q)
    return np.rint(q, out=q).astype(np.uint8)


def _short(value: float) -> float:
    """A range end with 6 significant digits: exact enough for 256 levels, short in JSON."""
    return float(f"{value:.6g}")


def _ranges(maps: LayerMaps) -> tuple[np.ndarray, np.ndarray]:
    """Per-map (lo, hi), shaped to broadcast over (units, *cells): the fixed range or each map's own."""
    units = maps.values.shape[0]
    cells = (1,) * (maps.values.ndim - 1)
    if maps.value_range is not None:
        lo, hi = np.full(units, maps.value_range[0]), np.full(units, maps.value_range[1])
    else:
        flat = maps.values.reshape(units, -1)
        lo, hi = flat.min(axis=1).astype(np.float64), flat.max(axis=1).astype(np.float64)
        flat_maps = hi <= lo
        lo[flat_maps] -= 1.0
        hi[flat_maps] += 1.0
    return lo.reshape(units, *cells), hi.reshape(units, *cells)


@dataclass
class FrameEncoder:
    """Per-stream encoder: change detection against the last maps sent, and a bytes-per-second budget."""

    bytes_per_second: float
    sent_maps: dict = field(default_factory=dict)  # (kind, layer, shape) -> maps last sent (int16, -1: never)
    _bucket: float = 0.0
    _last_refill: float = field(default_factory=time.monotonic)
    _ratio: float = 1.0  # running estimate of compressed / raw size (starts cautious)
    _cursor: int = 0  # where the next frame starts looking for changed neuron maps
    bytes_sent: int = 0
    frames_sent: int = 0
    _inputs_sent: dict = field(default_factory=dict)  # key -> weak reference to the input grid fully sent
    _structure: dict | None = None  # the network's shape last sent

    def __post_init__(self) -> None:
        self._bucket = self.bytes_per_second  # a new viewer's first frame may carry the whole picture

    def _refill(self) -> float:
        now = time.monotonic()
        self._bucket = min(self.bytes_per_second, self._bucket + (now - self._last_refill) * self.bytes_per_second)
        self._last_refill = now
        return self._bucket

    def _changed(self, maps: LayerMaps) -> list[tuple[LayerMaps, int, np.ndarray, float, float]]:
        """The maps of one layer that differ visibly from what this client last got, quantized."""
        key = (maps.kind, maps.layer, maps.values.shape)
        source = maps.values.base if maps.values.base is not None else maps.values
        if maps.kind == "input" and self._inputs_sent.get(key, _gone)() is source:
            return []  # the same input-feature grid as before: it cannot have changed
        q, lo, hi = maps.quantized()
        last = self.sent_maps.get(key)
        if last is None:  # int16 so that "never sent" (-1) differs from every quantized value
            last = self.sent_maps[key] = np.full(q.shape, -1, dtype=np.int16)
        diff = np.abs(q.astype(np.int16) - last).reshape(q.shape[0], -1).max(axis=1)
        changed = (diff >= VISIBLE_CHANGE) | (last.reshape(q.shape[0], -1)[:, 0] < 0)
        if maps.kind == "input" and not changed.any():
            self._inputs_sent[key] = weakref.ref(source)
        return [(maps, j, q[j], float(lo.flat[j]), float(hi.flat[j])) for j in np.flatnonzero(changed)]

    def encode(self, snapshot: Snapshot) -> bytes:
        """One frame for ``snapshot``: always the header; weights and changed heatmaps as the budget allows."""
        budget = self._refill() / self._ratio  # raw bytes we may add
        header = dict(snapshot.header)
        if snapshot.structure is not None and snapshot.structure != self._structure:
            header["structure"] = self._structure = snapshot.structure  # only when it changed
            self.sent_maps.clear()  # a new shape: the client starts its pictures afresh, so send them all
            self._inputs_sent.clear()
        parts: list[bytes] = []
        weights = np.clip(snapshot.weights, -FLOAT16_MAX, FLOAT16_MAX).astype("<f2").tobytes()
        offset = 0
        if len(weights) <= budget:
            header["weights"] = {"offset": 0, "count": len(weights) // 2}
            parts.append(weights)
            offset = len(weights)
        else:
            header["weights"] = None
        current = {(maps.kind, maps.layer, maps.values.shape) for maps in snapshot.maps}
        for key in set(self.sent_maps) - current:  # a new view or network: forget the old maps
            del self.sent_maps[key]
        outputs, others = [], []
        for maps in snapshot.maps:
            (outputs if maps.kind == "output" else others).extend(self._changed(maps))
        if others:  # under a tight budget every neuron gets its turn: start where the last frame stopped
            self._cursor %= len(others)
            others = others[self._cursor:] + others[: self._cursor]
        entries, pending, shapes = [], 0, {}
        for maps, neuron, q, lo, hi in outputs + others:
            if offset + q.nbytes > budget:
                pending += 1
                continue
            if maps.kind != "output":
                self._cursor += 1
            self.sent_maps[(maps.kind, maps.layer, maps.values.shape)][neuron] = q
            shapes[maps.kind] = list(q.shape)
            entries.append([maps.kind, maps.layer, int(neuron), _short(lo), _short(hi), offset])
            parts.append(q.tobytes())
            offset += q.nbytes
        header["shapes"] = shapes
        header["maps"] = entries
        header["maps_pending"] = pending
        payload = b"".join(parts)
        flags = 0
        if len(payload) > COMPRESS_ABOVE:
            packed = zlib.compress(payload, 1)
            self._ratio = 0.8 * self._ratio + 0.2 * max(0.05, len(packed) / len(payload))
            payload, flags = packed, FLAG_DEFLATE
        head = json.dumps(header, separators=(",", ":")).encode()
        frame = PREFIX.pack(MAGIC, VERSION, flags, 0, len(head)) + head + payload
        self._bucket -= len(frame)
        self.bytes_sent += len(frame)
        self.frames_sent += 1
        return frame


def decode(frame: bytes) -> tuple[dict, np.ndarray | None, dict]:
    """Python mirror of static/js/protocol.js, for tests and scripts: (header, weights, maps by key)."""
    magic, version, flags, _, head_len = PREFIX.unpack_from(frame)
    if magic != MAGIC or version != VERSION:
        raise ValueError("not an nnplay frame")
    header = json.loads(frame[PREFIX.size:PREFIX.size + head_len])
    payload = frame[PREFIX.size + head_len:]
    if flags & FLAG_DEFLATE:
        payload = zlib.decompress(payload)
    weights = None
    if header["weights"] is not None:
        w = header["weights"]
        weights = np.frombuffer(payload, dtype="<f2", count=w["count"], offset=w["offset"]).astype(np.float32)
    maps = {}
    for kind, layer, neuron, lo, hi, offset in header["maps"]:
        shape = tuple(header["shapes"][kind])
        q = np.frombuffer(payload, dtype=np.uint8, count=int(np.prod(shape)), offset=offset)
        values = np.float32(lo) + q.astype(np.float32) * np.float32((hi - lo) / 255.0)
        maps[(kind, layer, neuron)] = values.reshape(shape)
    return header, weights, maps
