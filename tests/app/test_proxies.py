"""Forwarded addresses count only from trusted proxies (NNPLAY_TRUSTED_PROXIES), against a real uvicorn."""

import httpx

from tests.conftest import serving


def create_as(base: str, forwarded_for: str) -> int:
    """Create a session claiming to come through a proxy for ``forwarded_for``; the status code."""
    return httpx.post(f"{base}/api/sessions", json={}, headers={"X-Forwarded-For": forwarded_for},
                      timeout=30).status_code


def test_by_default_a_local_process_cannot_claim_another_address():
    with serving(max_sessions_per_client="1", workers="0") as base:
        assert create_as(base, "10.0.0.1") == 201
        assert create_as(base, "10.0.0.2") == 429  # both are the peer 127.0.0.1: one session per client


def test_a_trusted_proxy_s_forwarded_address_is_the_client():
    with serving(max_sessions_per_client="1", workers="0", trusted_proxies='["127.0.0.1"]') as base:
        assert create_as(base, "10.0.0.1") == 201
        assert create_as(base, "10.0.0.2") == 201  # another student behind the same proxy
        assert create_as(base, "10.0.0.1") == 429  # the first student again: their own limit
