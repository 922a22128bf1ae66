"""Age bands of the population, built from Kolada's band indicators.

Kolada publishes invånare by age band: N01952 0-5, N01953 6-15, N01954 16-19, N01955 20-64,
N01956 65-79, N01957 80+ (the six bands add up to N01951), and finer or other cuts: N01817 0,
N01926 1-5, N01921 0-12, N01927 13-18, N02832 20-44, N02833 45-64.  A requested band is the sum
of consecutive bands that start and end exactly at its limits.  When no such chain exists the
request is refused with the bands that do exist, never approximated.

SCB's table BE0101 gives single-year ages (imported by Database.import_population as
"BE0101N1:0" ... "BE0101N1:100+"); from those any band can be built exactly.
"""

from .errors import InvalidArgumentError

__all__ = ["KOLADA_AGE_BANDS", "population_terms", "single_year_terms"]

OPEN = 200  # upper limit of an open band such as 80+

# (first age, last age, Kolada id)
KOLADA_AGE_BANDS = [
    (0, 0, "N01817"),
    (1, 5, "N01926"),
    (0, 5, "N01952"),
    (6, 15, "N01953"),
    (16, 19, "N01954"),
    (20, 64, "N01955"),
    (65, 79, "N01956"),
    (80, OPEN, "N01957"),
    (0, 12, "N01921"),
    (13, 18, "N01927"),
    (20, 44, "N02832"),
    (45, 64, "N02833"),
]


def _parse_band(band):
    s = str(band).replace(" ", "").replace("år", "").replace("–", "-")
    try:
        if s.endswith("+"):
            return int(s[:-1]), OPEN
        if "-" in s:
            lo, hi = s.split("-", 1)
            return int(lo), int(hi)
        return int(s), int(s)
    except ValueError:
        raise InvalidArgumentError(f"age band {band!r}: expected e.g. '0-19', '65+' or '80'") from None


def _label(lo, hi):
    return f"{lo}+ år" if hi == OPEN else (f"{lo} år" if lo == hi else f"{lo}-{hi} år")


def population_terms(band):
    """The Kolada ids whose sum is the population of `band`, and the band's label."""
    lo, hi = _parse_band(band)
    if lo > hi:
        raise InvalidArgumentError(f"age band {band!r}: first age after last")
    # fewest terms first: breadth-first over chains of consecutive bands
    frontier = [(lo, [])]
    seen = {lo}
    while frontier:
        nxt = []
        for start, chain in frontier:
            for first, last, kpi in KOLADA_AGE_BANDS:
                if first != start or last > hi:
                    continue
                if last == hi:
                    return chain + [kpi], _label(lo, hi)
                if last + 1 not in seen:
                    seen.add(last + 1)
                    nxt.append((last + 1, chain + [kpi]))
        frontier = nxt
    have = ", ".join(f"{_label(a, b)} ({k})" for a, b, k in KOLADA_AGE_BANDS)
    raise InvalidArgumentError(
        f"age band {_label(lo, hi)} cannot be built from Kolada's bands without guessing; "
        f"bands that exist: {have}. Import single-year ages (SCB BE0101) for other bands."
    )


def single_year_terms(base, band, oldest=100):
    """Indicator ids of single-year ages for a band: ("BE0101N1", "0-20") -> BE0101N1:0..:20.
    SCB's oldest class is "100+", which an open band such as "65+" includes."""
    lo, hi = _parse_band(band)
    if lo > hi:
        raise InvalidArgumentError(f"age band {band!r}: first age after last")
    last = min(hi, oldest - 1)
    terms = [f"{base}:{a}" for a in range(lo, last + 1)]
    if hi >= oldest:
        terms.append(f"{base}:{oldest}+")
    return terms, _label(lo, hi)
