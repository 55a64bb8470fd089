"""`casus serve`: the umpire console on a real WSGI server (waitress).

Prints the umpire's link with its token, as Jupyter does. The token comes from
CASUS_UMPIRE_TOKEN when set, else it is generated for this run. Exercises live
in a SQLite file (by default in the instance folder), so a restart, even after
a crash, finds every exercise where it was.
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from ..cli import UsageError
from ._common import load_or_exit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the umpire console (web) for live exercises",
                       description="Serve the umpire console. With SCENARIO files, the console offers those; "
                                   "without, the scenarios that ship with Casus.")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="scenario files to offer")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 lets other machines join)")
    p.add_argument("--port", type=int, default=5000, help="port (default 5000; 0 picks a free one)")
    p.add_argument("--db", metavar="PATH", help="the SQLite file of exercises (default: instance/casus.db)")
    p.add_argument("--instance", metavar="DIR", help="the instance folder (config.py, secret key, database)")
    p.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    p.add_argument("--public-url", metavar="URL",
                   help="the address cells' join links point to, e.g. https://casus.example.org behind a "
                        "proxy (default: the address and port the console listens on)")
    p.set_defaults(run=run)


WILDCARDS = ("0.0.0.0", "", "::")
QUEUE_WARNING_EVERY = 10.0   # seconds


class OncePer(logging.Filter):
    """Lets one record through per `seconds` and says how many it held back. Waitress warns
    each time a request waits for a free thread: under thirty polling cells that is many
    lines a second, each written while waitress holds its task queue's lock."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self._last = -seconds
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self._last < self.seconds:
            self._held += 1
            return False
        if self._held:
            record.msg = f"{record.msg} (and {self._held} such warnings in the {self.seconds:g} s before)"
        self._last, self._held = now, 0
        return True


def public_url(host: str, port: int) -> str:
    """Where other machines reach a console listening on host:port. On every interface
    (0.0.0.0), this machine's address on its local network, as the route out names it."""
    if host in WILDCARDS:
        host = _local_address()
    return f"http://{_bracketed(host)}:{port}"


def _local_address() -> str:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))   # UDP: chooses a route, sends nothing
            return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def run(args: argparse.Namespace) -> int:
    paths = [Path(s) for s in args.scenarios]
    for path in paths:
        load_or_exit(str(path))  # an invalid file stops the start, with its problems listed
    if not 1 <= args.threads <= 64:
        raise UsageError("--threads must be between 1 and 64")
    from waitress import create_server

    from web import create_app
    config: dict[str, Any] = {}
    if paths:
        config["SCENARIO_PATHS"] = [str(p.resolve()) for p in paths]
    if args.db:
        config["DB"] = args.db
    if args.instance:
        config["INSTANCE_PATH"] = str(Path(args.instance).resolve())
    generated = not os.environ.get("CASUS_UMPIRE_TOKEN")
    app = create_app(config)
    app.extensions["casus"].scenarios()   # read the offered scenarios now, not on the first page
    # What start-up made (modules, the app, the scenarios) lives as long as the server: a full
    # collection need not walk it again each time. Under thirty polling cells such a collection
    # came every 20 s or so and held every request for 40-70 ms, nearly three quarters of it walking these.
    gc.freeze()
    queue_log = logging.getLogger("waitress.queue")
    if not any(isinstance(f, OncePer) for f in queue_log.filters):   # once, however often run
        queue_log.addFilter(OncePer(QUEUE_WARNING_EVERY))
    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads,
                               ident="casus", clear_untrusted_proxy_headers=True)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    host = "127.0.0.1" if args.host in WILDCARDS else args.host
    url = f"http://{_bracketed(host)}:{server.effective_port}/?token={app.config['UMPIRE_TOKEN']}"
    # Join links and QR codes point here, never to whatever Host header a request claims.
    app.config["PUBLIC_URL"] = args.public_url or public_url(args.host, server.effective_port)
    db = app.extensions["casus"].store.path if hasattr(app.extensions["casus"].store, "path") else "?"
    print(f"Casus umpire console: {url}", flush=True)
    print(f"  exercises are kept in {db}", flush=True)
    print(f"  cells' join links point to {app.config['PUBLIC_URL']}", flush=True)
    if generated:
        print("  (the token is new for this run; set CASUS_UMPIRE_TOKEN to keep one)", flush=True)
    print("  press Ctrl+C to stop", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0
