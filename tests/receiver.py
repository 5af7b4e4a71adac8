"""A real HTTP webhook receiver on loopback (http.server in a thread) that verifies each
request with the signature recipe published in docs/api.md, run as written there: it does not
import Trilink's sending code, so a mistake in either shows up as a refused signature."""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def documented_recipe():
    """``verify_trilink_signature`` exactly as docs/api.md publishes it."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- signature-recipe:start -->\s*```python\n(.*?)```\s*<!-- signature-recipe:end -->",
        text,
        re.DOTALL,
    )
    assert block is not None, "docs/api.md lost its signature recipe"
    namespace: dict = {}
    exec(compile(block.group(1), str(DOCS), "exec"), namespace)  # noqa: S102 -- the published snippet is what is tested
    return namespace["verify_trilink_signature"]


@dataclass
class Request:
    path: str
    headers: dict
    body: bytes
    signature_valid: bool
    answered: int


@dataclass
class Receiver:
    """``answers`` are the status codes of the next requests, in order; when they run out,
    every request gets ``200``. ``accepted`` lists the event ids of requests answered 2xx
    with a valid signature."""

    secret: str = ""
    answers: list[int] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    url: str = ""
    # Seconds to wait before answering; and an answer that claims ``trickle_length`` bytes,
    # sends a few and then stalls (a receiver that would hold an unbounded reader forever).
    delay: float = 0.0
    trickle_length: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, handler: BaseHTTPRequestHandler) -> int:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        valid = bool(self.secret) and documented_recipe()(
            self.secret, handler.headers.get("Trilink-Signature", ""), body
        )
        with self.lock:
            status = self.answers.pop(0) if self.answers else 200
            if not valid:
                status = 400
            self.requests.append(
                Request(handler.path, dict(handler.headers.items()), body, valid, status)
            )
            if 200 <= status < 300:
                self.accepted.append(json.loads(body)["id"])
        return status


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            status = state.handle(self)
            time.sleep(state.delay)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            if state.trickle_length:
                self.send_header("Content-Length", str(state.trickle_length))
                self.end_headers()
                self.wfile.write(b"x" * 16384)
                self.wfile.flush()
                time.sleep(3)
                return
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"no")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/trilink"
    yield state
    server.shutdown()
    server.server_close()
