"""Which host actor holds a session on a Ray cluster (``NNPLAY_HOSTS=ray``): a hash of its id over the hosts.

Every web node computes the same answer from the id alone, so any of them can serve any session without asking
anybody, and a session is only ever in one host's memory (its host restores it from its checkpoint when it is not).
"""

import hashlib

HOST_NAME = "nnplay-host-{index}"
"""The Ray actor name of host ``index`` (in the namespace RAY_NAMESPACE)."""
RAY_NAMESPACE = "nnplay"


def host_index(session_id: str, hosts: int) -> int:
    """The index of the host (0 to ``hosts`` - 1) that holds ``session_id``: stable across processes and runs
    (Python's own ``hash`` of a str is not)."""
    digest = hashlib.blake2b(session_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % hosts
