"""The Kolada client against a hostile server on 127.0.0.1: next_url to another scheme or host,
Retry-After of a day, a server dripping bytes, endless pages, poisoned or oversized cache
entries, ids that would change the URL, and clear_cache() touching only its own files."""

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import kommunbench as kb
import pytest
from kommunbench import kolada

ROW = {
    "kpi": "U33401",
    "municipality": "1490",
    "period": 2022,
    "values": [{"gender": "T", "count": 1, "status": "", "value": 12.0}],
}


class Hostile:
    def __init__(self):
        self.handlers = {}
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                h = outer.handlers.get(self.path.split("?")[0])
                if h is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                h(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v3"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def json(self, path, doc):
        body = json.dumps(doc).encode()

        def h(req):
            req.send_response(200)
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            req.wfile.write(body)

        self.handlers[path] = h


@pytest.fixture
def server():
    s = Hostile()
    yield s
    s.httpd.shutdown()


def client(server, tmp_path, **kw):
    kw.setdefault("backoff", 0.01)
    return kolada.KoladaClient(server.base, cache_directory=tmp_path / "cache", progress=False, **kw)


@pytest.mark.parametrize(
    "next_url",
    [
        "file:///etc/passwd",
        "http://example.com/v3/data/kpi/U33401?page=2",
        "https://127.0.0.1/v3/x",
        "//example.com/v3/x",
    ],
)
def test_next_url_only_on_the_api_scheme_and_host(server, tmp_path, next_url):
    server.json("/v3/data/kpi/U33401", {"values": [ROW], "next_url": next_url})
    db = kb.Database()
    with pytest.raises(kolada.KoladaError, match="not followed"):
        client(server, tmp_path).fetch_values("U33401", db=db)
    assert len(db) == 0
    assert not any("passwd" in p for p in os.listdir(tmp_path / "cache")) if (tmp_path / "cache").exists() else True
    for f in (tmp_path / "cache").glob("*.json"):
        assert b"root:" not in f.read_bytes()


def test_a_relative_next_url_on_the_same_host_is_followed(server, tmp_path):
    server.json("/v3/data/kpi/U33401", {"values": [ROW], "next_url": "/v3/page2"})
    row2 = dict(ROW, municipality="0138")
    server.json("/v3/page2", {"values": [row2]})
    db = client(server, tmp_path).fetch_values("U33401")
    assert len(db) == 2


def test_retry_after_a_day_is_not_slept(server, tmp_path):
    def busy(req):
        req.send_response(429)
        req.send_header("Retry-After", "86400")
        req.end_headers()

    server.handlers["/v3/municipality"] = busy
    c = client(server, tmp_path, deadline=5, max_wait=60, retries=3)
    with pytest.raises(kolada.KoladaError, match="deadline"):
        c.fetch_municipalities()


def test_a_dripping_server_meets_the_deadline(server, tmp_path):
    def drip(req):
        req.send_response(200)
        req.send_header("Content-Length", "100000")
        req.end_headers()
        try:
            for _ in range(1000):
                req.wfile.write(b" ")
                req.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    server.handlers["/v3/municipality"] = drip
    c = client(server, tmp_path, deadline=1, timeout=5, retries=0)
    with pytest.raises(kolada.KoladaError, match="deadline"):
        c.fetch_municipalities()


def test_endless_pages_end(server, tmp_path):
    n = {"i": 0}

    def endless(req):
        n["i"] += 1
        body = json.dumps({"values": [], "next_url": f"/v3/municipality?page={n['i']}"}).encode()
        req.send_response(200)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    server.handlers["/v3/municipality"] = endless
    with pytest.raises(kolada.KoladaError, match="pages"):
        client(server, tmp_path, max_pages=20).fetch_municipalities()


def test_cache_entries_are_validated_and_refetched(server, tmp_path):
    server.json("/v3/municipality", {"values": [{"id": "1490", "title": "Borås", "type": "K"}]})
    c = client(server, tmp_path)
    c.fetch_municipalities()
    entries = list((tmp_path / "cache").glob("*.json"))
    assert len(entries) == 1 and len(server.requests) == 1
    entry = entries[0]
    # corrupt: fetched again, not an error forever
    entry.write_bytes(b'{"values": [')
    assert c.fetch_municipalities().area("1490")["name"] == "Borås"
    assert len(server.requests) == 2
    # larger than max_bytes: not read whole, fetched again
    entry.write_bytes(b'{"values": []}' + b" " * 5000)
    small = client(server, tmp_path, max_bytes=4096)
    small.fetch_municipalities()
    assert len(server.requests) == 3
    # a symbolic link planted as the entry: not followed
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"values": [{"id": "1490", "title": "Poisoned", "type": "K"}]}))
    entry.unlink()
    entry.symlink_to(secret)
    assert c.fetch_municipalities().area("1490")["name"] == "Borås"
    assert len(server.requests) == 4
    assert secret.read_text().count("Poisoned") == 1
    # an entry others may write: not trusted
    entry.write_text(json.dumps({"values": [{"id": "1490", "title": "Poisoned", "type": "K"}]}))
    os.chmod(entry, 0o666)
    assert c.fetch_municipalities().area("1490")["name"] == "Borås"


@pytest.mark.parametrize("bad", ["U33401#", "..", "U%2F1", "U 1", "U1\r\nX: y", "U1/", "", "U1?x", "Å1"])
def test_ids_that_change_the_url_are_refused(server, tmp_path, bad):
    with pytest.raises(kb.InvalidArgumentError):
        client(server, tmp_path).fetch_values(bad, years=2022)
    with pytest.raises(kb.InvalidArgumentError):
        client(server, tmp_path).fetch_values("U33401", municipality=bad)
    assert server.requests == []


def test_clear_cache_removes_only_its_own_entries(server, tmp_path):
    server.json("/v3/municipality", {"values": [{"id": "1490", "title": "Borås", "type": "K"}]})
    client(server, tmp_path).fetch_municipalities()
    cache = tmp_path / "cache"
    mine = cache / "notes.json"
    mine.write_text("{}")
    (cache / "ABC.json").write_text("{}")
    assert kolada.clear_cache(cache) == 1
    assert mine.exists() and (cache / "ABC.json").exists()
