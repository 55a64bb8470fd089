"""`casus serve`: the umpire console on a real WSGI server (waitress).

Prints the umpire's link with its token, as Jupyter does. The token comes from
CASUS_UMPIRE_TOKEN when set, else it is generated for this run. Exercises live
in a SQLite file (by default in the instance folder), so a restart, even after
a crash, finds every exercise where it was.
"""
from __future__ import annotations

import argparse
import os
import sys
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
    p.set_defaults(run=run)


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
    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads,
                               ident="casus", clear_untrusted_proxy_headers=True)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    url = f"http://{host}:{server.effective_port}/?token={app.config['UMPIRE_TOKEN']}"
    db = app.extensions["casus"].store.path if hasattr(app.extensions["casus"].store, "path") else "?"
    print(f"Casus umpire console: {url}", flush=True)
    print(f"  exercises are kept in {db}", flush=True)
    if generated:
        print("  (the token is new for this run; set CASUS_UMPIRE_TOKEN to keep one)", flush=True)
    print("  press Ctrl+C to stop", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0
