"""The session host: the process (one per core) that owns sessions, runs their operations, trains them and
builds their stream frames. Nothing here imports the web side (app/web/); the web process talks to a host
only through app/web/host_client.py and the message tuples described in app/host/host.py."""
