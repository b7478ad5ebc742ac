"""The `nnplay` command: `nnplay serve --host 127.0.0.1 --port 8000`."""

import argparse
import os

from app.core.config import get_settings


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen subcommand."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="nnplay", description="nnplay: a neural network playground.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start the web server")
    serve.add_argument("--host", default=settings.host, help=f"interface to listen on (default {settings.host})")
    serve.add_argument("--port", type=int, default=settings.port, help=f"TCP port (default {settings.port})")
    link = sub.add_parser("class-link", help="a new dashboard link for a class whose link was lost (run it where "
                                             "the server's data is; the old link stops working)")
    link.add_argument("class_id")
    link.add_argument("--base", default=f"http://{settings.host}:{settings.port}",
                      help="the address students and the teacher use (default: where the server listens)")
    args = parser.parse_args(argv)
    if args.command == "class-link":
        error = _class_link(args.class_id, args.base)
        if error:
            raise SystemExit(error)
        return
    if args.command == "serve":
        import uvicorn

        from app.store import database
        from app.web.header_timeout import with_timeouts

        # The app reads where it listens from its settings (the Host names it answers to): the command line wins.
        os.environ.update(NNPLAY_HOST=args.host, NNPLAY_PORT=str(args.port))
        get_settings.cache_clear()
        try:  # the store's schema first, so that a database it must not touch is one sentence, not a traceback
            database.upgrade(database.connect(get_settings()))
        except database.SchemaTooNew as exc:
            raise SystemExit(f"nnplay: {exc}") from None
        # Frames are compressed already: per-message deflate would spend CPU compressing them again.
        # Forwarded headers are believed only from the configured proxies (uvicorn trusts 127.0.0.1 by default).
        trusted = settings.trusted_proxies
        # uvicorn's own bound on a WebSocket message is twice the app's, so that a message just over the app's
        # limit reaches the app, which says why it closes the stream (stream.message_too_large) before it does.
        uvicorn.run("app.main:app", host=args.host, port=args.port, ws_max_size=2 * settings.max_ws_message_bytes,
                    ws_per_message_deflate=False, proxy_headers=bool(trusted),
                    http=with_timeouts(settings.header_timeout_seconds),
                    forwarded_allow_ips=list(trusted) if trusted else None)


def _class_link(class_id: str, base: str) -> str | None:
    """Replace a class's teacher token in the store and print its new dashboard link; an error message (to exit
    with) if there is no such class."""
    import secrets
    import time

    from app.store import database
    from app.store.classes import ClassStore
    from app.store.sessions import token_hash

    engine = database.connect(get_settings())
    database.upgrade(engine)
    store = ClassStore(engine, time.time)
    row = store.find(class_id)
    if row is None:
        return f"nnplay: no class {class_id!r} in {database.describe(str(engine.url))}"
    token = secrets.token_urlsafe(24)
    store.save(row.changed(teacher_token_hash=token_hash(token)))
    print(f"{base.rstrip('/')}/classes/{class_id}/enter#{token}")
    return None
