"""Kolada API client: fetch values and metadata into a Database, with an on-disk cache.

    from kommunbench import kolada
    db = kb.Database()
    kolada.fetch_values("U33401", years=[2021, 2022], db=db)   # all kommuner
    kolada.fetch_kpis(db=db); kolada.fetch_groups(db=db)

The API is Kolada's (https://api.kolada.se/v3 by default; v2 works too).  Ids are sent in
chunks of at most 25 per path segment; pages are followed through next_url (v3) or next_page
(v2), only on the base URL's own scheme and host; 429 and 5xx answers are retried with
exponential backoff (Retry-After is honoured up to max_wait); a name that does not resolve (no
network) fails at once, a server that does not answer within the timeout (10 s) fails without
retries; every request has a timeout, a cap
on the response size, and a whole fetch has a deadline (a server dripping bytes or sending
endless pages ends in a KoladaError).  Ids are letters, digits, '-' and '_' only, checked before
any URL is built.  Each response is cached on disk (KOMMUNBENCH_CACHE, or
~/.cache/kommunbench/kolada), written atomically, so an interrupted fetch leaves no half file and
a fetch works offline once cached; a cache entry is used only when it is a regular file of this
user (not a link), within max_bytes and valid JSON, and is fetched again otherwise.
clear_cache() removes only the client's own entries.  Fetched data is only ever parsed as JSON.
Each page is handed to the C core as it arrives (Database.import_kolada_pages): all pages of a
fetch are one all-or-nothing import, so a failed page or download leaves the Database as it was,
and memory stays near the store's own (one page at a time besides the staged values).
Write "Källa: Kolada" under the values you show.
"""

import hashlib
import http.client
import json
import os
import re
import socket
import stat
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .errors import BenchError, InvalidArgumentError

__all__ = [
    "KoladaClient",
    "KoladaError",
    "cache_dir",
    "clear_cache",
    "fetch_values",
    "fetch_kpis",
    "fetch_municipalities",
    "fetch_groups",
    "DEFAULT_BASE_URL",
]

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
CHUNK = 25  # ids per path segment
MAX_RESPONSE_BYTES = 256 << 20  # a Kolada page is far smaller; anything bigger is refused
RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_WAIT = 60.0  # the longest single wait, whatever Retry-After says
DEADLINE = 600.0  # seconds for one fetch (all its requests, pages and waits)
MAX_PAGES = 10000  # pages of one query
_ENTRY = re.compile(r"[0-9a-f]{32}\.json")
_ID = re.compile(r"[A-Za-z0-9_-]+")


class KoladaError(BenchError, OSError):
    """The Kolada API could not be reached or answered with an error."""

    def __str__(self):
        return self.message


def cache_dir():
    """Where responses are cached: $KOMMUNBENCH_CACHE, else ~/.cache/kommunbench/kolada."""
    env = os.environ.get("KOMMUNBENCH_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kommunbench" / "kolada"


def clear_cache(directory=None):
    """Delete the cached responses (files named as the client names them, nothing else);
    returns how many files were removed."""
    d = Path(directory) if directory else cache_dir()
    n = 0
    if d.is_dir() and not d.is_symlink():
        for f in d.iterdir():
            if _ENTRY.fullmatch(f.name) and (f.is_symlink() or f.is_file()):
                f.unlink()
                n += 1
    return n


def _chunks(ids):
    ids = list(ids)
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)] or [[]]


def _ids(value, name):
    if value is None:
        return None
    if isinstance(value, (str, int)):
        value = [value]
    out = [str(v) for v in value]
    for v in out:  # '#', '..', '%2F', spaces, CR/LF would change the URL's meaning
        if not _ID.fullmatch(v):
            raise InvalidArgumentError(f"{name}: {v!r} is no Kolada id (letters, digits, '-' and '_')")
    return out


class KoladaClient:
    """A client for one Kolada base URL.

    cache: "use" (read a cached answer, else fetch and keep it), "refresh" (fetch and keep),
    "offline" (cache only; a missing answer is an error) or None (no cache)."""

    def __init__(
        self,
        base_url=DEFAULT_BASE_URL,
        cache="use",
        cache_directory=None,
        timeout=10.0,
        retries=5,
        backoff=1.0,
        max_bytes=MAX_RESPONSE_BYTES,
        progress=True,
        allow_http=False,
        deadline=DEADLINE,
        max_wait=MAX_WAIT,
        max_pages=MAX_PAGES,
    ):
        if cache not in ("use", "refresh", "offline", None):
            raise InvalidArgumentError("cache must be 'use', 'refresh', 'offline' or None")
        parsed = urllib.parse.urlparse(base_url)
        local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
        if parsed.scheme != "https" and not (allow_http or local):
            raise InvalidArgumentError("the Kolada client uses HTTPS; pass allow_http=True to override")
        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.cache_directory = Path(cache_directory) if cache_directory else cache_dir()
        self.timeout = timeout  # for the connection and for each read
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.progress = progress
        self.deadline = deadline
        self.max_wait = max_wait
        self.max_pages = max_pages
        self._scheme, self._host = parsed.scheme, parsed.netloc
        self._ends = None  # time.monotonic() by which the fetch under way must end

    # ---- HTTP with cache --------------------------------------------------

    def _cache_path(self, url):
        return self.cache_directory / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")

    def _remaining(self, url):
        if self._ends is None:
            return self.deadline
        left = self._ends - time.monotonic()
        if left <= 0:
            raise KoladaError(f"{url}: the fetch took longer than its deadline of {self.deadline} s")
        return left

    def _read_cache(self, path):
        """A cached answer, or None when there is none or it cannot be trusted (then it is removed)."""
        try:
            st = os.lstat(path)
        except OSError:
            return None
        bad = (
            not stat.S_ISREG(st.st_mode)
            or st.st_size > self.max_bytes
            or (hasattr(os, "getuid") and st.st_uid != os.getuid())
            or st.st_mode & 0o022
        )
        body = None
        if not bad:
            try:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
                with os.fdopen(fd, "rb") as f:
                    body = f.read(self.max_bytes + 1)
                json.loads(body)
                bad = len(body) > self.max_bytes
            except (OSError, ValueError):
                bad = True
        if bad:
            try:
                os.unlink(path)
            except OSError:
                pass
            return None
        return body

    def _get(self, url):
        path = self._cache_path(url)
        if self.cache in ("use", "offline"):
            body = self._read_cache(path)
            if body is not None:
                return body
        if self.cache == "offline":
            raise KoladaError(f"offline and not cached: {url}", file=str(path))
        body = self._download(url)
        if self.cache:
            self.cache_directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_directory, suffix=".part")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(body)
                os.replace(tmp, path)  # atomic: a reader sees the old file or the whole new one
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        return body

    def _download(self, url):
        request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "kommunbench"})
        # a request outside a fetch has the deadline to itself; inside one, the fetch's is kept too
        give_up = time.monotonic() + self.deadline if self.deadline else None
        for attempt in range(self.retries + 1):
            wait = self.backoff * (2**attempt)
            left = give_up - time.monotonic() if give_up else self.timeout
            if left <= 0:
                raise KoladaError(f"{url}: no answer within {self.deadline:g} s")
            timeout = min(self.timeout, left, self._remaining(url))
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    chunks, size = [], 0
                    while True:  # in pieces, so a server dripping bytes meets the deadline
                        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                        if not chunk:
                            break
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise KoladaError(f"{url}: the answer is larger than {self.max_bytes} bytes")
                        chunks.append(chunk)
                        self._remaining(url)
                    return b"".join(chunks)
            except urllib.error.HTTPError as e:
                if e.code not in RETRY_STATUS or attempt == self.retries:
                    raise KoladaError(f"{url}: HTTP {e.code} {e.reason}", code=e.code) from None
                retry_after = e.headers.get("Retry-After") if e.headers else None
                if retry_after and retry_after.strip().isdigit():
                    wait = max(wait, float(retry_after))
            except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as e:
                reason = getattr(e, "reason", e)
                if isinstance(reason, socket.gaierror):  # no network or no such name: retrying won't help
                    raise KoladaError(
                        f"{url}: cannot resolve {urllib.parse.urlparse(url).hostname} (no network?): {reason}"
                    ) from None
                if isinstance(reason, (TimeoutError, socket.timeout)) or isinstance(e, TimeoutError):
                    raise KoladaError(f"{url}: no answer within {timeout:g} s") from None
                if attempt == self.retries:
                    raise KoladaError(f"{url}: {reason}") from None
            except (ValueError, UnicodeError) as e:  # http.client.InvalidURL and the like
                raise KoladaError(f"{url!r}: not a URL that can be fetched ({e})") from None
            wait = min(wait, self.max_wait)
            if wait >= self._remaining(url) or (give_up and time.monotonic() + wait > give_up):
                raise KoladaError(
                    f"{url}: no answer within {self.deadline:g} s: the next try, after a wait "
                    f"of {wait:.0f} s, would pass the deadline"
                )
            time.sleep(wait)
        raise KoladaError(f"{url}: no answer")  # pragma: no cover

    def pages(self, path, params=None):
        """All pages of one query, following next_url / next_page (on the base URL's scheme and
        host only); yields parsed JSON."""
        for _url, _body, page in self._pages(path, params):
            yield page

    def _pages(self, path, params=None):
        """(url, body, parsed page) of each page of one query."""
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        url = f"{self.base_url}/{path.lstrip('/')}" + (f"?{query}" if query else "")
        seen = set()
        while url and url not in seen:
            if len(seen) >= self.max_pages:
                raise KoladaError(f"{url}: more than {self.max_pages} pages")
            seen.add(url)
            body = self._get(url)
            try:
                page = json.loads(body)
            except ValueError as e:
                raise KoladaError(f"{url}: the answer is not JSON ({e})") from None
            nxt = page.get("next_url") or page.get("next_page") if isinstance(page, dict) else None
            yield url, body, page
            if nxt is not None and not isinstance(nxt, str):
                raise KoladaError(f"{url}: next_url is not text")
            url = urllib.parse.urljoin(url, nxt) if nxt else None
            if url:
                parts = urllib.parse.urlsplit(url)
                if (parts.scheme, parts.netloc) != (self._scheme, self._host) or any(c in url for c in " \r\n\t"):
                    raise KoladaError(f"{url!r}: the next page is not on {self._scheme}://{self._host}; not followed")

    def _collect(self, queries, description):
        """The body of each page of the queries, as (name, bytes), in order, with a progress bar;
        the bodies go to the C core as they are (no Python objects per row are kept)."""
        bar = _progress(len(queries), description, self.progress)
        self._ends = time.monotonic() + self.deadline
        try:
            for path, params in queries:
                for k, (url, body, page) in enumerate(self._pages(path, params)):
                    values = page.get("values") if isinstance(page, dict) else page
                    if not isinstance(values, list):
                        raise KoladaError(f"{path}: expected a list of values")
                    del page, values  # only the bytes are read again, by the C core
                    yield url, body
                    if k:  # a query of many pages: the bar grows with them
                        bar.total = (bar.total or 0) + 1
                    bar.update(1)
        finally:
            bar.close()
            self._ends = None

    # ---- endpoints ----------------------------------------------------------

    def fetch_values(self, kpi, municipality=None, years=None, from_date=None, db=None, include_deleted=False):
        """Values of one or more KPIs (all kommuner and regions unless `municipality` is
        given), for `years` (all when None); imported into `db` (a new Database if None).
        Returns the Database."""
        kpis = _ids(kpi, "kpi")
        if not kpis:
            raise InvalidArgumentError("fetch_values needs at least one kpi")
        munis, yrs = _ids(municipality, "municipality"), _ids(years, "years")
        queries = []
        for k in _chunks(kpis):
            for m in _chunks(munis) if munis else [None]:
                for y in _chunks(yrs) if yrs else [None]:
                    path = "data/kpi/" + ",".join(k)
                    if m:
                        path += "/municipality/" + ",".join(m)
                    if y:
                        path += "/year/" + ",".join(y)
                    queries.append((path, {"from_date": from_date}))
        return _into(db, self._collect(queries, "Kolada values"), f"Kolada API ({self.base_url})", include_deleted)

    def fetch_kpis(self, ids=None, title=None, db=None):
        """KPI metadata (titles; units are read from them) into `db`."""
        queries = (
            [("kpi/" + ",".join(c), {}) for c in _chunks(_ids(ids, "ids"))] if ids else [("kpi", {"title": title})]
        )
        return _into(db, self._collect(queries, "Kolada KPIs"), "Kolada API /kpi")

    def fetch_municipalities(self, db=None):
        """Kommuner and regions (id, title, type) into `db`."""
        return _into(db, self._collect([("municipality", {})], "Kolada municipalities"), "Kolada API /municipality")

    def fetch_groups(self, db=None):
        """Municipality groups (SKR kommungrupper, liknande kommuner, ...) into `db`, where
        they work as area sets in compare()."""
        return _into(
            db, self._collect([("municipality_groups", {})], "Kolada groups"), "Kolada API /municipality_groups"
        )


def _into(db, pages, source, include_deleted=False):
    """Import the pages as they arrive, in one all-or-nothing import (a failed download or a bad
    page leaves `db` as it was)."""
    if db is None:
        from .database import Database

        db = Database()
    db.last_report = db.import_kolada_pages(pages, source=source, include_deleted=include_deleted)
    return db


class _NoBar:
    total = 0

    def update(self, n):
        pass

    def close(self):
        pass


def _progress(total, description, enabled):
    if not enabled:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional
        return _NoBar()
    return tqdm(total=total, desc=description, unit="page", delay=1.0)  # shown when it takes a while


def fetch_values(kpi, municipality=None, years=None, from_date=None, db=None, **client):
    """KoladaClient(**client).fetch_values(...)"""
    return KoladaClient(**client).fetch_values(kpi, municipality, years, from_date, db)


def fetch_kpis(ids=None, title=None, db=None, **client):
    return KoladaClient(**client).fetch_kpis(ids, title, db)


def fetch_municipalities(db=None, **client):
    return KoladaClient(**client).fetch_municipalities(db)


def fetch_groups(db=None, **client):
    return KoladaClient(**client).fetch_groups(db)
