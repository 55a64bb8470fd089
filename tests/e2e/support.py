"""Shared by the console's tests: small scenarios, an app on a temporary store, signing in.

The scenarios are written as scenario files (the console keeps the text of
the file it was given), small enough that every test can build its own.
"""
from __future__ import annotations

import collections
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

UMPIRE_TOKEN = "umpire-token-for-tests"
# How long a test waits for a change to reach an open page without a reload (milliseconds). Pages
# poll every 2.5 s or so, so a change arrives within a few seconds; a loaded two-core machine
# running the browser beside the server has taken longer than ten.
LIVE = 30_000

# Italy and France have a secret pact Germany must never learn of; the Dual Alliance
# has a secret article only its members may read; Italy alone hears the whisper.
SECRET_PACT = """\
format: casus/1
id: secret-pact
title: A secret pact
start: 1902-06-01
turns: 3
states:
  - {id: ITA, name: Italy, power: 5, regime: hybrid, region: europe, control: player}
  - {id: FRA, name: France, power: 10, regime: democracy, region: europe}
  - {id: GER, name: Germany, power: 15, regime: autocracy, region: europe, control: player}
  - {id: AUH, name: Austria-Hungary, power: 8, regime: autocracy, region: europe}
relations:
  - {from: ITA, to: FRA, affinity: 0.7}
treaties:
  - id: triple
    name: Triple Alliance
    members: [GER, AUH, ITA]
    obligations: [{type: defense}]
  - id: zanardelli-pact
    name: Prinetti Barrere Accord
    members: [ITA, FRA]
    openness: secret
    obligations: [{type: neutrality, only_if_attacked: true}]
  - id: dual
    name: Dual Alliance
    members: [GER, AUH]
    openness: partially-secret
    obligations:
      - {type: defense, article: "I"}
      - {type: consultation, article: "XIV", secret: true}
injects:
  - {id: whisper, turn: 1, kind: intelligence, visibility: [ITA], text: "Rome hears of the Quai d'Orsay's intentions."}
  - {id: war, turn: 2, kind: armed-attack, actor: AUH, target: FRA, text: "Austrian forces strike France."}
"""
SECRETS = ("zanardelli", "Prinetti", "Barrere", "Quai d'Orsay", "art. XIV")

# Two cells, both bound to defend Estonia: the end-to-end and load scenarios.
NARVA = """\
format: casus/1
id: narva-drill
title: Narva drill
start: 2027-03-02
turns: 3
states:
  - {id: USA, name: United States, power: 60, regime: democracy, region: north-america, control: player}
  - {id: POL, name: Poland, power: 6, regime: democracy, region: europe, control: player}
  - {id: GBR, name: United Kingdom, power: 8, regime: democracy, region: europe}
  - {id: EST, name: Estonia, power: 0.3, regime: democracy, region: europe}
  - {id: RUS, name: Russia, power: 40, regime: autocracy, region: europe}
treaties:
  - id: nato
    name: North Atlantic Treaty
    members: [USA, POL, GBR, EST]
    leader: USA
    invocation: consensus
    obligations:
      - {type: consultation, article: "4"}
      - {type: defense, article: "5"}
injects:
  - {id: cable, turn: 1, kind: statement, actor: RUS, text: "Moscow warns Tallinn."}
  - {id: narva, turn: 2, kind: armed-attack, actor: RUS, target: EST, attribution: 0.9, text: "Russian forces cross at Narva."}
  - {id: drones, turn: 2, kind: armed-attack, actor: RUS, target: GBR, manual: true, text: "Drones strike the battlegroup at Tapa."}
"""


def write_scenarios(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (("secret-pact.yaml", SECRET_PACT), ("narva-drill.yaml", NARVA)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def make_app(tmp_path: Path, *, store: Any = None, **config: Any):
    from web import create_app
    paths = write_scenarios(tmp_path / "scenarios")
    settings = {"INSTANCE_PATH": str(tmp_path / "instance"), "UMPIRE_TOKEN": UMPIRE_TOKEN,
                "SECRET_KEY": "secret-key-for-tests", "SCENARIO_PATHS": [str(p) for p in paths],
                "DB": str(tmp_path / "casus.db")}
    if store is not None:
        settings["STORE"] = store
    settings.update(config)
    return create_app(settings)


def csrf(client) -> str:
    """The session's CSRF token, as a page gives it (signing in nobody)."""
    html = client.get("/x/none/cell").get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "every page carries the CSRF token"
    return found.group(1)


def umpire_client(app):
    client = app.test_client()
    assert client.get(f"/?token={UMPIRE_TOKEN}").status_code == 303
    return client


def cell_client(app, join_url: str):
    client = app.test_client()
    path = join_url.split("://", 1)[-1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def new_exercise(app, scenario: str = "secret-pact.yaml", **body: Any) -> dict[str, Any]:
    """An exercise made through the API, started, with each cell's token and join link."""
    client = app.test_client()
    r = client.post("/api/v1/exercises", json={"scenario": scenario, **body},
                    headers={"Authorization": f"Bearer {UMPIRE_TOKEN}"})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def narva_under_way(app) -> tuple[dict[str, Any], Any]:
    """The Narva drill started, turn 1 played and turn 2 open: the attack has fired and asks
    both cells, who have not answered. The exercise and the umpire's client."""
    ex = new_exercise(app, "narva-drill.yaml")
    umpire = umpire_client(app)
    for step in ("open-turn", "close-turn", "open-turn"):
        assert umpire.post(f"/x/{ex['id']}/{step}", data={"csrf_token": csrf(umpire)}).status_code == 303
    return ex, umpire


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- a real server in a subprocess ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`casus serve` in a subprocess on a free loopback port."""

    def __init__(self, db: Path, scenarios: list[Path], instance: Path, port: int | None = None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, CASUS_UMPIRE_TOKEN=UMPIRE_TOKEN, CASUS_SECRET_KEY="secret-key-for-tests")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "casus", "serve", *map(str, scenarios), "--port", str(self.port),
             "--db", str(db), "--instance", str(instance)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.banner = self.proc.stdout.readline()
        # The server writes to a pipe: left unread, a full pipe blocks the server's logging
        # (waitress logs under its task-queue lock) and with it every request.
        self.output: collections.deque[str] = collections.deque(maxlen=200)
        self._drain = threading.Thread(target=self._read_output, daemon=True)
        self._drain.start()
        self._wait()

    def _read_output(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            for line in self.proc.stdout:
                self.output.append(line)

    def _wait(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/api/v1/openapi.json", timeout=1).read()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                if self.proc.poll() is not None:
                    self._drain.join(timeout=5)
                    raise RuntimeError(f"casus serve stopped: {self.banner}{''.join(self.output)}") from None
                time.sleep(0.1)
        raise RuntimeError("casus serve did not answer within 20 s")

    def api(self, method: str, path: str, body: Any = None, token: str = UMPIRE_TOKEN) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + "/api/v1" + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def kill(self) -> None:
        self.proc.kill()      # SIGKILL: no chance to tidy up
        self.proc.wait(timeout=10)
        self._drain.join(timeout=5)
        self.proc.stdout.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._drain.join(timeout=5)
        if not self.proc.stdout.closed:
            self.proc.stdout.close()
