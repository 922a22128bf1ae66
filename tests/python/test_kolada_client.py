"""The Kolada client against a real HTTP server on 127.0.0.1 serving v3 and v2 shaped fixtures
built from real Kolada values in ../shared/data.  No other network."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import kommunbench as kb
import pandas as pd
import pytest
from kommunbench import kolada

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
RAW = (
    DATA
    / "kolada-ddf-dump"
    / "raw-2024-08-30"
    / "datapoints--by--geo--year"
    / "ddf--datapoints--u33401--by--geo--year.csv"
)


def real_rows(year):
    if not RAW.is_file():
        pytest.skip(f"needs the real Kolada dump at {RAW}")
    df = pd.read_csv(RAW, dtype=str, keep_default_na=False)
    df = df[df["year"] == str(year)]
    return [
        {
            "kpi": "U33401",
            "municipality": r.geo,
            "period": int(r.year),
            "values": [
                {
                    "gender": "T",
                    "count": 1,
                    "status": "",
                    "value": float(r.u33401) if r.u33401 else None,
                    "isdeleted": False,
                }
            ],
        }
        for r in df.itertuples()
    ]


class Server:
    """Serves canned answers by path; counts requests; can fail the first n of a path."""

    def __init__(self):
        self.routes = {}
        self.failures = {}
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                path = urllib.parse.urlsplit(self.path).path
                key = self.path if self.path in outer.routes else path
                fail = outer.failures.get(key)
                if fail:
                    code, n = fail
                    outer.failures[key] = (code, n - 1) if n > 1 else None
                    self.send_response(code)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                body = outer.routes.get(key)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v3"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add(self, path, doc):
        self.routes[path] = json.dumps(doc).encode()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.httpd.shutdown()


@pytest.fixture
def client(server, tmp_path):
    return kolada.KoladaClient(server.base, cache_directory=tmp_path / "cache", backoff=0.01, progress=False)


def test_v3_pages_followed_and_imported(server, client):
    rows = real_rows(2022)
    half = len(rows) // 2
    server.add(
        "/v3/data/kpi/U33401/year/2022",
        {"values": rows[:half], "count": half, "next_url": server.base + "/data/kpi/U33401/year/2022?page=2"},
    )
    server.add("/v3/data/kpi/U33401/year/2022?page=2", {"values": rows[half:], "count": len(rows) - half})
    db = client.fetch_values("U33401", years=2022)
    assert db.last_report.accepted == len(rows)
    v = db.values("U33401", area="1490", period=2022)
    assert v["value"].tolist() == [77.0]  # Borås 2022, Källa: Kolada
    missing = db.values("U33401", period=2022)
    assert (missing["status"] == "missing").sum() == sum(r["values"][0]["value"] is None for r in rows)
    assert not (missing["value"] == 0).any()


def test_v2_next_page_group_rows_and_deleted(server, client):
    rows = real_rows(2021)[:20]
    rows.append(
        {
            "kpi": "U33401",
            "municipality": "G92790",
            "period": 2021,
            "values": [{"gender": "T", "count": 18, "status": "", "value": 96.5}],
        }
    )
    rows.append(
        {
            "kpi": "U33401",
            "municipality": "1490",
            "period": 2020,
            "is_deleted": 1,
            "values": [{"gender": "T", "count": 1, "status": "", "value": 1.0}],
        }
    )
    server.add(
        "/v3/data/kpi/U33401/year/2021", {"values": rows[:10], "next_page": "/v3/data/kpi/U33401/year/2021?page=2"}
    )
    server.add("/v3/data/kpi/U33401/year/2021?page=2", {"values": rows[10:]})
    db = client.fetch_values("U33401", years=[2021])
    assert db.last_report.skipped_deleted == 1
    g = db.values("U33401", area="G92790")
    assert g["count"].tolist() == [18] and g["value"].tolist() == [96.5]
    assert db.values("U33401", area="1490", period=2020).empty


def test_ids_are_chunked_by_25(server, client):
    munis = [f"{i:04d}" for i in range(114, 114 + 30)]
    for chunk in (munis[:25], munis[25:]):
        server.add("/v3/data/kpi/U33401/municipality/" + ",".join(chunk), {"values": []})
    client.fetch_values("U33401", municipality=munis)
    paths = [urllib.parse.urlsplit(p).path for p in server.requests]
    assert len(paths) == 2
    assert all(len(p.rsplit("/", 1)[1].split(",")) <= 25 for p in paths)


def test_retries_429_and_5xx_then_succeeds(server, client):
    server.add("/v3/data/kpi/U33401/year/2022", {"values": real_rows(2022)[:5]})
    server.failures["/v3/data/kpi/U33401/year/2022"] = (429, 2)
    db = client.fetch_values("U33401", years=2022)
    assert len(server.requests) == 3
    assert db.last_report.accepted == 5
    server.add("/v3/kpi", {"values": [{"id": "U33401", "title": "Utredningstid ..., dagar"}]})
    server.failures["/v3/kpi"] = (503, 1)
    client.fetch_kpis(db=db)
    assert db.indicators().set_index("id").loc["U33401", "unit"] == "dagar"


def test_gives_up_with_a_clear_error(server, client):
    server.failures["/v3/municipality"] = (500, 100)
    with pytest.raises(kolada.KoladaError, match="HTTP 500"):
        client.fetch_municipalities()
    with pytest.raises(kolada.KoladaError, match="HTTP 404"):
        client.fetch_values("U99999")


def test_cache_serves_offline_and_can_be_cleared(server, client, tmp_path):
    server.add("/v3/municipality", {"values": [{"id": "1490", "title": "Borås", "type": "K"}]})
    client.fetch_municipalities()
    assert len(server.requests) == 1
    server.httpd.shutdown()  # no network any more
    offline = kolada.KoladaClient(server.base, cache="offline", cache_directory=tmp_path / "cache", progress=False)
    db = offline.fetch_municipalities()
    assert db.area("1490")["name"] == "Borås"
    assert not list((tmp_path / "cache").glob("*.part")), "no half-written cache file"
    assert kolada.clear_cache(tmp_path / "cache") == 1
    with pytest.raises(kolada.KoladaError, match="offline"):
        offline.fetch_municipalities()


def test_groups_become_area_sets(server, client):
    groups = DATA / "kolada-rkolada-snapshot" / "municipality_groups_members.csv"
    if not groups.is_file():
        pytest.skip(f"needs {groups}")
    m = pd.read_csv(groups, dtype=str)
    g = m[m["group_id"] == "G36468"]
    server.add(
        "/v3/municipality_groups",
        {
            "values": [
                {
                    "id": "G36468",
                    "title": g["group_title"].iloc[0],
                    "members": [{"id": i, "title": t} for i, t in zip(g["member_id"], g["member_title"])],
                }
            ]
        },
    )
    db = client.fetch_groups()
    assert db.group_members("G36468") == sorted(g["member_id"])
    server.add("/v3/data/kpi/U33401/year/2022", {"values": real_rows(2022)})
    client.fetch_values("U33401", years=2022, db=db)
    c = db.compare("U33401", 2022, areas=["G36468", "1490"], focus="1490")
    assert set(c.table["area"]) == set(g["member_id"]) | {"1490"}


def test_malformed_answer_changes_nothing(server, client):
    server.routes["/v3/data/kpi/U33401"] = (
        b'{"values": [{"kpi": "U33401", "municipality": "1490", "period": 2022, "values": [{"gender": "X"}]}]}'
    )
    db = kb.Database()
    with pytest.raises(kb.ParseError, match="gender"):
        client.fetch_values("U33401", db=db)
    assert len(db) == 0
    server.routes["/v3/data/kpi/U35400"] = b'{"values": [1, 2'
    with pytest.raises(kolada.KoladaError, match="not JSON"):
        client.fetch_values("U35400", db=db)


def test_https_required_for_remote_hosts():
    with pytest.raises(kb.InvalidArgumentError):
        kolada.KoladaClient("http://api.kolada.se/v3")
    assert kolada.KoladaClient().base_url.startswith("https://")
