"""The web process: HTTP routes and pages, tokens and session records, limits, the client of the session
hosts and the stream relay. It starts the hosts (app/web/host_client.py) and otherwise reaches them only
through messages; the sessions themselves live in app/host/."""
