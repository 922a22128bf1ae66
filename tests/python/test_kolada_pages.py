"""Page-by-page import: a download of many pages is one all-or-nothing import, each page read by
the C core as it arrives.  A local HTTP server on 127.0.0.1 serves the pages; no other network."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import kommunbench as kb
import pytest
from kommunbench import kolada

N_PAGES = 20
AREAS = [f"{i:04d}" for i in range(114, 114 + 3 * N_PAGES)]


def page_doc(k, base, last=N_PAGES):
    """Page k (1-based) of kpi PX, three kommuner each, linked to the next by next_url."""
    rows = [
        {
            "kpi": "PX",
            "municipality": a,
            "period": 2022,
            "values": [{"gender": "T", "count": 1, "status": "", "value": 10.0 * k + j}],
        }
        for j, a in enumerate(AREAS[3 * (k - 1) : 3 * k])
    ]
    doc = {"values": rows, "count": len(rows)}
    if k < last:
        doc["next_url"] = f"{base}/data/kpi/PX?page={k + 1}"
    return doc


class Pages:
    """Serves page k at /v3/data/kpi/PX?page=k (page 1 also without the query); `broken`
    maps a page number to a body or an HTTP status served instead."""

    def __init__(self):
        self.broken = {}
        self.served = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                k = int(self.path.rsplit("page=", 1)[1]) if "page=" in self.path else 1
                outer.served.append(k)
                bad = outer.broken.get(k)
                if isinstance(bad, int):
                    self.send_response(bad)
                    self.end_headers()
                    return
                body = bad if bad is not None else json.dumps(page_doc(k, outer.base)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v3"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def pages():
    p = Pages()
    yield p
    p.httpd.shutdown()


@pytest.fixture
def client(pages, tmp_path):
    return kolada.KoladaClient(pages.base, cache=None, backoff=0.01, retries=0, progress=False)


def seeded_db():
    db = kb.Database()
    db.import_kolada_json(
        json.dumps(
            {
                "values": [
                    {"kpi": "PX", "municipality": "1490", "period": 2021, "values": [{"gender": "T", "value": 1.0}]}
                ]
            }
        ).encode(),
        source="före",
    )
    db.set_indicator("PX", title="Gammal titel")
    return db


def snapshot(db):
    return (
        db.values(gender=None).to_csv(index=False),
        db.indicators().to_csv(index=False),
        db.areas().to_csv(index=False),
    )


def test_every_page_imported_as_one_import(pages, client):
    db = seeded_db()
    client.fetch_values("PX", db=db)
    assert sorted(pages.served) == list(range(1, N_PAGES + 1))
    assert db.last_report.accepted == 3 * N_PAGES
    assert db.last_report.rows_read == 3 * N_PAGES
    v = db.values("PX", period=2022).set_index("area")["value"]
    assert v["0114"] == 10.0 and v[AREAS[-1]] == 10.0 * N_PAGES + 2
    assert db.values("PX", area="1490", period=2021)["value"].tolist() == [1.0]


@pytest.mark.parametrize(
    "bad",
    [
        b'{"values": [{"kpi": "PX", "municipality": "0114", "period": 2022, "values": [{"gender": "Q", "value": 1}]}]}',
        b'{"values": [1, 2',
        500,
        404,
    ],
    ids=["bad row", "cut JSON", "HTTP 500", "HTTP 404"],
)
def test_a_failure_on_page_17_leaves_the_database_as_it_was(pages, client, bad):
    db = seeded_db()
    before = snapshot(db)
    pages.broken[17] = bad
    with pytest.raises(kb.BenchError) as e:
        client.fetch_values("PX", db=db)
    assert snapshot(db) == before
    assert 18 not in pages.served  # the download stops at the failure
    if isinstance(bad, bytes) and b"Q" in bad:
        assert isinstance(e.value, kb.ParseError)
        assert "values[0].values[0].gender" in str(e.value)
        assert "page=17" in (e.value.file or "")
    db.import_kolada_json(json.dumps(page_doc(1, pages.base)).encode())  # still usable
    assert len(db.values("PX", period=2022)) == 3


def test_one_key_on_two_pages_with_two_values_is_refused(pages, client):
    db = seeded_db()
    before = snapshot(db)
    doc = page_doc(5, pages.base)
    doc["values"][0]["municipality"] = "0114"  # page 1's first kommun, another value
    pages.broken[5] = json.dumps(doc).encode()
    with pytest.raises(kb.ParseError, match=r"part 5, values\[0\]: the same kpi.*as part 1, values\[0\]"):
        client.fetch_values("PX", db=db)
    assert snapshot(db) == before


def test_no_json_round_trip_in_python(pages, client, monkeypatch):
    for k in range(1, N_PAGES + 1):  # the server's bodies made before json.dumps is refused
        pages.broken[k] = json.dumps(page_doc(k, pages.base)).encode()

    def refused(*args, **kwargs):
        raise AssertionError("json.dumps of the pages")

    monkeypatch.setattr(kolada.json, "dumps", refused)
    db = client.fetch_values("PX")
    assert db.last_report.accepted == 3 * N_PAGES


def test_import_kolada_pages_from_an_iterable():
    db = seeded_db()
    before = snapshot(db)
    bodies = [json.dumps(page_doc(k, "http://x")).encode() for k in range(1, 4)]
    rep = db.import_kolada_pages(bodies, source="tre sidor")
    assert rep.accepted == 9 and rep.source == "tre sidor"
    assert set(db.values("PX", period=2022)["source"]) == {"tre sidor"}

    db = seeded_db()

    def failing():
        yield bodies[0]
        yield ("sida 2", bodies[1])
        raise OSError("the connection broke")

    with pytest.raises(OSError, match="broke"):
        db.import_kolada_pages(failing())
    assert snapshot(db) == before
    with pytest.raises(kb.InvalidArgumentError):
        db.import_kolada_pages([bodies[0], "text, not bytes"])
    assert snapshot(db) == before
    with pytest.raises(kb.ParseError) as e:
        db.import_kolada_pages([bodies[0], ("sida 2", b"{")])
    assert e.value.file == "sida 2"
    assert snapshot(db) == before


def test_metadata_pages_undone_with_the_rest():
    db = seeded_db()
    before = snapshot(db)
    meta = json.dumps({"values": [{"id": "PX", "title": "Ny titel, kr/inv"}]}).encode()
    with pytest.raises(kb.ParseError):
        db.import_kolada_pages([meta, b'{"values": [{"kpi": "PX"}]}'])
    assert snapshot(db) == before
    db.import_kolada_pages([meta])
    assert db.indicators().set_index("id").loc["PX", "title"] == "Ny titel, kr/inv"


def test_progress_bar_counts_pages(pages, monkeypatch):
    seen = []

    class Bar:
        total = 1

        def update(self, n):
            seen.append(n)

        def close(self):
            seen.append("closed")

    monkeypatch.setattr(kolada, "_progress", lambda total, description, enabled: Bar())
    kolada.KoladaClient(pages.base, cache=None).fetch_values("PX")
    assert seen.count(1) == N_PAGES and seen[-1] == "closed"


def test_metadata_fetchers_are_one_import_too(pages, client):
    db = seeded_db()
    before = snapshot(db)
    pages.broken[1] = json.dumps(
        {"values": [{"id": "PX", "title": "Ny titel, kr/inv"}], "next_url": f"{pages.base}/kpi?page=2"}
    ).encode()
    pages.broken[2] = b'{"values": [{"id": "PY", "title": 5}]}'  # a title that is no text
    with pytest.raises(kb.ParseError, match="title"):
        client.fetch_kpis(db=db)
    assert snapshot(db) == before
    pages.broken[2] = json.dumps({"values": [{"id": "PY", "title": "Annan, st"}]}).encode()
    client.fetch_kpis(db=db)
    titles = db.indicators().set_index("id")["title"]
    assert titles["PX"] == "Ny titel, kr/inv" and titles["PY"] == "Annan, st"
