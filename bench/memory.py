"""Peak memory per observation of the Kolada JSON import and of a paged Kolada download.

    python bench/memory.py [SIZE ...]    (default: $BENCH_SIZES; needs bench/data/kolada_<N>.json
                                          from bench/generate.py)

Each measurement runs in a fresh process of its own, so its peak (ru_maxrss) is that step's only:
the baseline is the resident memory after `import kommunbench` and an empty Database, and the
figure is (peak - baseline) / observations stored.

  json_file     db.import_kolada_json(path) of kolada_<N>.json (one document of all observations;
                the file is mapped, and the pages of it that were read count as resident)
  json_buffer   the same document read into a bytes object first (its bytes are in the baseline)
  paged_fetch   kolada.fetch_values against a local HTTP server (another process) serving the
                same observations as Kolada does, 5 000 rows a page linked by next_url (no cache)

The results are printed and merged into bench/results.json under "memory_per_observation" (BENCH_RESULTS to
write elsewhere).
"""

import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
RESULTS = os.environ.get("BENCH_RESULTS") or os.path.join(HERE, "results.json")
PAGE_ROWS = 5000  # Kolada's page size (per_page) for data


def rss_now():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def maxrss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def record(key, value):
    """Put `value` under `key` in bench/results.json (BENCH_RESULTS), the other keys kept."""
    doc = {}
    if os.path.isfile(RESULTS):
        with open(RESULTS) as f:
            doc = json.load(f)
    doc[key] = value
    with open(RESULTS, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def page_files(n):
    """kolada_<N>.json cut into pages of PAGE_ROWS rows, written once as pages_<N>/page_<k>.json
    with "next_url": "/v3/data/kpi/X?page=<k+1>" (made outside the measured process)."""
    out = os.path.join(DATA, f"pages_{n}")
    if os.path.isfile(os.path.join(out, "done")):
        return out
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(DATA, f"kolada_{n}.json"), "rb") as f:
        rows = json.load(f)["values"]
    pages = (len(rows) + PAGE_ROWS - 1) // PAGE_ROWS
    for k in range(pages):
        doc = {"values": rows[k * PAGE_ROWS : (k + 1) * PAGE_ROWS], "count": len(rows)}
        if k + 1 < pages:
            doc["next_url"] = f"/v3/data/kpi/X?page={k + 2}"
        with open(os.path.join(out, f"page_{k + 1}.json"), "w") as f:
            json.dump(doc, f, separators=(",", ":"))
    open(os.path.join(out, "done"), "w").close()
    return out


def serve(directory):
    """The HTTP server process: page k of `directory` at /v3/data/kpi/X?page=k (k = 1 without)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            k = self.path.rsplit("page=", 1)[1] if "page=" in self.path else "1"
            with open(os.path.join(directory, f"page_{int(k)}.json"), "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


def measure(kind, n):
    """In this (fresh) process: one step, then print its figures as JSON."""
    import kommunbench as kb
    from kommunbench import kolada

    path = os.path.join(DATA, f"kolada_{n}.json")
    body = None
    if kind == "json_buffer":
        with open(path, "rb") as f:
            body = f.read()
    db = kb.Database()
    base = rss_now()
    start = time.perf_counter()
    if kind == "json_file":
        rep = db.import_kolada_json(path)
    elif kind == "json_buffer":
        rep = db.import_kolada_json(body)
    else:
        port = int(sys.argv[4])
        kolada.fetch_values("X", db=db, base_url=f"http://127.0.0.1:{port}/v3", cache=None, progress=False)
        rep = db.last_report
    seconds = time.perf_counter() - start
    peak = maxrss() - base
    print(
        json.dumps(
            {
                "observations": rep.accepted,
                "peak_bytes": peak,
                "seconds": round(seconds, 3),
                "bytes_per_observation": round(peak / max(rep.accepted, 1), 1),
                "held_bytes_per_observation": round((rss_now() - base) / max(rep.accepted, 1), 1),
            }
        )
    )


def run(kind, n, *extra):
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(n), *extra], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(sizes):
    results = {}
    for n in sizes:
        if not os.path.isfile(os.path.join(DATA, f"kolada_{n}.json")):
            print(f"memory: no bench/data/kolada_{n}.json (bench/generate.py {n}); skipped")
            continue
        figures = {"json_file": run("json_file", n), "json_buffer": run("json_buffer", n)}
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", page_files(n)], stdout=subprocess.PIPE, text=True
        )
        try:
            port = server.stdout.readline().strip()
            figures["paged_fetch"] = run("paged_fetch", n, port)
        finally:
            server.terminate()
            server.wait()
        figures["paged_fetch"]["page_rows"] = PAGE_ROWS
        results[str(n)] = figures
        print(f"\npeak memory above the baseline, per observation stored (N = {n}):")
        for k, f in figures.items():
            print(
                f"  {k:12s} {f['bytes_per_observation']:7.1f} B/obs  ({f['observations']} observations, "
                f"peak {f['peak_bytes'] / 2**20:.0f} MiB, {f['seconds']:.2f} s; held after: "
                f"{f['held_bytes_per_observation']:.1f} B/obs)"
            )
    if results:
        record(
            "memory_per_observation",
            {
                "command": "python bench/memory.py " + " ".join(map(str, sizes)),
                "baseline": "resident memory after import kommunbench and an empty Database",
                "sizes": results,
            },
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
    else:
        args = sys.argv[1:] or os.environ.get("BENCH_SIZES", "1000000").split()
        main([int(a) for a in args])
