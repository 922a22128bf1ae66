"""The Kolada client without a network fails fast and says why: no retry when the name does not
resolve, a timeout for a server that accepts and never answers, a deadline over the retries."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from kommunbench import kolada


def test_no_retry_when_the_name_does_not_resolve(monkeypatch, tmp_path):
    calls = []

    def no_dns(host, *args, **kwargs):
        calls.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    client = kolada.KoladaClient(cache=None, cache_directory=tmp_path, backoff=5.0, progress=False)
    with pytest.raises(kolada.KoladaError) as e:
        client.fetch_kpis(ids=["U33401"])
    assert "cannot resolve api.kolada.se" in str(e.value) and "no network" in str(e.value)
    assert len(calls) == 1  # asked once, no retries with backoff


@pytest.fixture()
def silent_server():
    """Accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    accepted = []
    stop = threading.Event()

    def loop():
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                accepted.append(conn)
            except OSError:
                pass

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    yield srv.getsockname()[1], accepted
    stop.set()
    t.join()
    for c in accepted:
        c.close()
    srv.close()


def test_a_server_that_never_answers_times_out_without_retries(silent_server, tmp_path):
    port, accepted = silent_server
    client = kolada.KoladaClient(f"http://127.0.0.1:{port}/v3", cache=None, timeout=0.5, backoff=5.0, progress=False)
    with pytest.raises(kolada.KoladaError, match="no answer within"):
        client.fetch_kpis(ids=["U33401"])
    assert len(accepted) == 1


def test_retries_stop_at_the_deadline(tmp_path):
    hits = []

    class Busy(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        client = kolada.KoladaClient(
            f"http://127.0.0.1:{server.server_port}/v3",
            cache=None,
            retries=1000,
            backoff=0.05,
            deadline=0.5,
            progress=False,
        )
        with pytest.raises(kolada.KoladaError, match="no answer within 0.5 s"):
            client.fetch_kpis(ids=["U33401"])
        assert 1 <= len(hits) < 1000  # the deadline, not the retry count, ended it
    finally:
        server.shutdown()
        server.server_close()
