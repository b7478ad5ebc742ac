"""The pieces of ``bench/bench_training.py``.

- ``common``: shared settings (float32, thread controls), the ``Config`` of one benchmark case, the data sets
- ``contenders``: the engine, the minimal NumPy floor, PyTorch and scikit-learn, and the contender table
- ``measure``: timing on a shared machine (retaking disturbed runs), GEMM peak, tanh, ``NeuronGrid``
- ``profile``: where the engine's time goes (phases of fit's loop, the per-epoch loss, cProfile)
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the engine is imported from the repository, not from an installed copy
    sys.path.insert(0, str(ROOT))
