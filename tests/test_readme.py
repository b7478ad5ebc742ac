"""The README does what it says: CI runs its test command, and every example runs and shows a sound result."""

import contextlib
import io
import re
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    """The README's fenced code blocks in ``language``, in order."""
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command_and_both_commands_use_a_virtual_environment():
    run_server, run_tests = (block.strip() for block in blocks("sh")[:2])
    ci_command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci_command == run_tests
    for command in (run_server, run_tests):  # Debian's python3 refuses pip outside a virtual environment
        assert "python3 -m venv .venv" in command and "python3 -m pip" not in command
    assert run_server.endswith(".venv/bin/python -m app")


def test_the_python_example_learns_xor_without_overfitting():
    (example,) = blocks("python")
    printed = io.StringIO()
    namespace: dict = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "README.md", "exec"), namespace)
    history = namespace["history"]
    val_loss = np.array(history.val_loss)
    assert history.status == "completed"
    assert val_loss[-1] < 0.1 and history.val_accuracy[-1] >= 0.95
    assert val_loss[-1] <= 1.2 * val_loss.min() + 1e-3  # still improving at the end, not overfitting
    assert "completed" in printed.getvalue()


def test_the_http_example_reaches_its_goal(live_server):
    example = blocks("sh")[2]
    assert "BASE=http://127.0.0.1:8000/api" in example
    script = example.replace("BASE=http://127.0.0.1:8000/api", f"BASE={live_server}/api")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    status, epochs, *_ = result.stdout.split()
    assert status == "goal_reached" and 0 < int(epochs) < 3000
