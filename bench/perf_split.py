"""Where CPU time goes, by what runs: ``perf record`` attached to running processes, each sampled function
classed as *work* (NumPy's inner loops, BLAS, libm, copies, random numbers) or *overhead* (the interpreter,
NumPy's dispatch, malloc, the kernel). Used by bench/stacked_step.py (the training alone) and
bench/class_size.py (a whole server under a class's load)."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager

# NumPy's inner loops: typed ufunc loops (FLOAT_add_X86_V3, DOUBLE_tanh, ...), matmul's, the copy/cast loops
NUMPY_LOOPS = ("FLOAT_", "DOUBLE_", "BOOL_", "LONG_", "LONGLONG_", "INT_", "UINT_", "ULONG_", "BYTE_", "UBYTE_",
               "npy_", "simd_", "_contig", "_aligned", "_strided", "_swap", "mapiter_", "raw_array_assign")


def available() -> bool:
    """Whether ``perf`` is installed."""
    return shutil.which("perf") is not None


def classify(dso: str, symbol: str) -> tuple[str, str]:
    """(work or overhead, what) for one sampled function."""
    if "openblas" in dso:
        return "work", "OpenBLAS (sgemm/dgemm kernels and their packing)"
    if dso.startswith("libm"):
        return "work", "libm"
    if "_multiarray_umath" in dso:
        if symbol.startswith(NUMPY_LOOPS) or "_to_" in symbol:
            return "work", "NumPy's inner loops (ufuncs, reductions, matmul, copies)"
        return "overhead", "NumPy's dispatch (argument parsing, iterators, array creation)"
    if "_generator" in dso or "_pcg64" in dso or "_bounded" in dso:
        return "work", "NumPy random (the epochs' sample orders)"
    if dso.startswith("libc"):
        if "memmove" in symbol or "memcpy" in symbol or "memset" in symbol:
            return "work", "libc memcpy/memset (copies of arrays)"
        return "overhead", "libc malloc/free and other"
    if "python" in dso:
        return "overhead", "Python interpreter"
    if "kernel" in dso:
        return "overhead", "OS kernel (page faults, sockets, scheduling)"
    return "overhead", f"other ({dso})"


@contextmanager
def recording(pids: list[int], frequency: int = 1999):
    """Sample ``pids`` with ``perf record`` while the block runs; yields a dict that holds, afterwards,
    ``shares``: {(kind, what): % of the samples} and ``work``: the % that is work."""
    result: dict = {"shares": {}, "work": None, "by_pid": {}}
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        recorder = subprocess.Popen(["perf", "record", "-F", str(frequency), "-o", data, "-p",
                                     ",".join(str(pid) for pid in pids)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)  # let it attach
        try:
            yield result
        finally:
            recorder.send_signal(signal.SIGINT)
            recorder.wait(timeout=30)
        report = subprocess.run(["perf", "report", "-i", data, "--sort", "dso,sym", "--stdio", "--no-children"],
                                capture_output=True, text=True, timeout=300).stdout
        by_pid = subprocess.run(["perf", "report", "-i", data, "--sort", "pid", "--stdio", "--no-children"],
                                capture_output=True, text=True, timeout=300).stdout
    for line in by_pid.splitlines():  # "  61.23%  12345:python3"
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith("%") and ":" in parts[1]:
            pid = parts[1].split(":", 1)[0]
            if pid.isdigit():
                result["by_pid"][int(pid)] = float(parts[0].rstrip("%"))
    shares: dict[tuple[str, str], float] = {}
    for line in report.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].endswith("%") and parts[2] in ("[.]", "[k]"):
            key = classify(parts[1], parts[3])
            shares[key] = shares.get(key, 0.0) + float(parts[0].rstrip("%"))
    result["shares"] = shares
    result["work"] = sum(share for (kind, _), share in shares.items() if kind == "work")


def print_split(title: str, result: dict) -> None:
    """The split as lines of text."""
    work = result["work"] or 0.0
    print(f"\n{title}: {work:.0f} % arithmetic and copies (NumPy's loops, BLAS, libm), {100 - work:.0f} % overhead")
    for (kind, group), share in sorted(result["shares"].items(), key=lambda item: -item[1]):
        print(f"  {share:5.1f} %  {kind:8}  {group}")
