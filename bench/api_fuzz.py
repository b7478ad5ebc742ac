"""Fuzz the REST API from its own OpenAPI document with schemathesis: every check, stateful links on.

    python3 bench/api_fuzz.py [--max-examples 10] [--seed 1] [--base http://127.0.0.1:8000]

Starts `python3 -m app` on a free 127.0.0.1 port (unless --base names a running server), creates one
session and passes its token as `Authorization: Bearer <token>` and its id as every `session_id`, so that
the session operations reach their logic instead of answering 401/404. DELETE of that session is left out
(it would end the session the rest of the run uses); the stateful phase creates and deletes its own.
SKIPPED turns off one check for the operations whose refusals the schema cannot state; each is explained in
docs/server.md ("Checks the fuzzer skips, and why"). Exits with schemathesis' status.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import running_server  # noqa: E402

# Enough sessions for the stateful phase, which creates many from one client address.
SERVER_ENV = {"NNPLAY_MAX_SESSIONS_PER_CLIENT": "400", "NNPLAY_MAX_SESSIONS": "500"}

# A sweep of 8 widths x 2000 epochs is a valid request; on a busy machine it outlasts schemathesis' 10 s default.
REQUEST_TIMEOUT_SECONDS = 120

# check -> operations it is off for. positive_data_acceptance (ST202) expects every schema-valid request to
# succeed; these operations refuse some with a 422 for reasons no JSON schema can state (docs/server.md).
SKIPPED: dict[str, list[str]] = {
    "positive_data_acceptance": [
        "create_session", "update_session",  # combinations of config fields
        "preview",  # a dataset's params depend on its name; custom data needs points or csv
        "import_model",  # the document must be a consistent exported session
        "write_weights", "edit_weight",  # shapes and indices of the session's network
        "predict", "backprop", "gradient_check",  # the session's input dimension, classes
        "evaluate_neuron",  # w must not be numerically zero
        "cross_entropy",  # the true class must be one of the scores' classes
        "create_class", "push_to_students",  # a start's config: combinations of config fields, as create_session
        "join_class",  # a nickname the filter refuses
    ],
    # use_after_free (ST301): a read after a successful DELETE of the same path must be a 404. DELETE of the
    # deep-vs-shallow comparison cancels it; its report (status cancelled, rows so far) stays readable.
    "use_after_free": ["experiment_status"],
}


def config_text(session_id: str) -> str:
    """schemathesis.toml: every check on, the session's id for every path, and the checks SKIPPED per operation
    (here, not as `--checks all` on the command line, which would win over the per-operation settings)."""
    lines = [f"request-timeout = {REQUEST_TIMEOUT_SECONDS}", "", "[checks]", "enabled = true", "",
             "[parameters]", f'"path.session_id" = "{session_id}"']
    for check, operations in SKIPPED.items():
        ids = ", ".join(f'"{operation}"' for operation in operations)
        lines += ["", "[[operations]]", f"include-operation-id = [{ids}]", f"checks.{check}.enabled = false"]
    return "\n".join(lines) + "\n"


def fuzz(base: str, max_examples: int, seed: int, extra: list[str]) -> int:
    """Run schemathesis against ``base`` with one session's id and token; its exit status."""
    created = httpx.post(f"{base}/api/sessions", json={"data": {"n_points": 40}, "hidden_layers": [3]}).json()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "schemathesis.toml"
        config.write_text(config_text(created["id"]))
        command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
                   f"{base}/openapi.json", "--max-examples", str(max_examples),
                   "--seed", str(seed), "--header", f"Authorization: Bearer {created['token']}",
                   "--exclude-operation-id", "delete_session", *extra]
        return subprocess.run(command, cwd=folder).returncode  # its cache folder goes there too


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=10, help="Test cases per operation and phase.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base", help="A running server's base URL (default: start one).")
    args, extra = parser.parse_known_args()  # anything else goes to `schemathesis run`
    if args.base:
        return fuzz(args.base, args.max_examples, args.seed, extra)
    with running_server(SERVER_ENV) as (base, _):
        return fuzz(base, args.max_examples, args.seed, extra)


if __name__ == "__main__":
    sys.exit(main())
