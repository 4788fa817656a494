"""The OpenAI-compatible backend against a fault-injecting server on loopback (bounded, local only).
The server is a stand-in engine for this unit test: it echoes canned completions."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dialoguesynth.backends.base import GenRequest
from dialoguesynth.backends.openai_http import OpenAIBackend
from dialoguesynth.config import ModelConfig
from dialoguesynth.errors import ModelError


class FaultServer:
    """Serves /v1/completions; `faults` is consumed one per request: ok, slow, 429, 500, drop, badjson."""

    def __init__(self, faults):
        self.faults = list(faults)
        self.lock = threading.Lock()
        self.bodies = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with outer.lock:
                    fault = outer.faults.pop(0) if outer.faults else "ok"
                    outer.bodies.append(body)
                if fault == "slow":
                    time.sleep(1.0)
                if fault in ("429", "500"):
                    self.send_response(int(fault))
                    self.end_headers()
                    return
                if fault == "drop":
                    self.connection.close()
                    return
                payload = (
                    b"{not json"
                    if fault == "badjson"
                    else json.dumps(
                        {
                            "choices": [{"text": f" echo {body['prompt']}", "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 3, "completion_tokens": 2},
                        }
                    ).encode()
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


@pytest.fixture
def server(request):
    s = FaultServer(request.param)
    yield s
    s.close()


def backend(url, **kw):
    return OpenAIBackend(
        ModelConfig(backend="openai", base_url=url, name="m", timeout_s=0.5, concurrency=2), backoff_s=0.01, **kw
    )


REQS = [GenRequest(prompt=f"p{i}", max_tokens=5, seed=i, regex="x+") for i in range(4)]


@pytest.mark.parametrize("server", [["slow", "429", "500", "drop", "badjson"]], indirect=True)
def test_transient_faults_are_retried(server):
    out = backend(server.url, max_attempts=6).generate(REQS)
    assert [c.text for c in out] == [f" echo p{i}" for i in range(4)]
    assert out[0].completion_tokens == 2
    sent = server.bodies[-1]
    assert sent["structured_outputs"] == {"regex": "x+"} and "seed" in sent


def test_min_p_is_sent_only_when_set():
    b = backend("http://127.0.0.1:9/v1")
    assert "min_p" not in b._body(REQS[0])
    assert b._body(REQS[0].model_copy(update={"min_p": 0.1}))["min_p"] == 0.1


@pytest.mark.parametrize("server", [["500"] * 50], indirect=True)
def test_persistent_failure_stops_with_clear_message(server):
    with pytest.raises(ModelError, match="failed 3 times .*HTTP 500.*rerun to resume"):
        backend(server.url, max_attempts=3).generate(REQS[:1])


def test_unreachable_server():
    with pytest.raises(ModelError, match="failed 2 times"):
        backend("http://127.0.0.1:9/v1", max_attempts=2).generate(REQS[:1])


@pytest.mark.parametrize("server", [["500"] * 400], indirect=True)
def test_breaker_stops_the_batch_fast(server):
    many = [GenRequest(prompt=f"p{i}", max_tokens=5) for i in range(40)]
    with pytest.raises(ModelError):
        backend(server.url, max_attempts=3).generate(many)
    # once one request exhausted its 3 attempts no other request is sent: at most the 2 concurrent
    # requests' attempts reach the server (without the breaker: all 40 x 3)
    assert len(server.bodies) <= 2 * 3, len(server.bodies)
