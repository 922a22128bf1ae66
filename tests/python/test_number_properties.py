"""Property tests of bench_parse_number: a plain number ("119.0", "-3,25", "0.05") takes a fast
path, anything else the general reading; both must give the correctly rounded double of the
text, the value Python's float() gives, whichever path a text takes."""

import struct

from hypothesis import given, settings
from hypothesis import strategies as st
from kommunbench._native import ffi, lib


def parse(text):
    raw = text.encode("utf-8")
    value, unit = ffi.new("double *"), ffi.new("bench_unit *")
    status = lib.bench_parse_number(value, unit, raw, len(raw))
    return (value[0], unit[0]) if status == lib.BENCH_OK else None


def bits(x):
    return struct.pack("<d", x)


DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=25)


@settings(max_examples=2000, deadline=None)
@given(
    negative=st.booleans(),
    whole=DIGITS,
    frac=st.one_of(st.none(), st.text(alphabet="0123456789", max_size=25)),
    comma=st.booleans(),
)
def test_plain_numbers_are_correctly_rounded(negative, whole, frac, comma):
    text = ("-" if negative else "") + whole + ("" if frac is None else ("," if comma else ".") + frac)
    expected = float(text.replace(",", "."))
    got = parse(text)
    assert got is not None, text
    assert bits(got[0]) == bits(expected), (text, got[0], expected)  # -0.0 stays -0.0
    assert got[1] == lib.BENCH_UNIT_NONE


@settings(max_examples=500, deadline=None)
@given(whole=st.integers(min_value=1000, max_value=10**15), frac=st.integers(min_value=0, max_value=99))
def test_grouped_numbers_agree_with_plain(whole, frac):
    """A number with thousands groups (the general reading) equals the same number written plainly
    (the fast path): "1 234 567,25" and "1234567,25"."""
    grouped = f"{whole:,}".replace(",", " ") + f",{frac:02d}"
    plain = f"{whole},{frac:02d}"
    assert bits(parse(grouped)[0]) == bits(parse(plain)[0]) == bits(float(f"{whole}.{frac:02d}"))


def test_not_plain_is_left_to_the_general_reading():
    assert parse("12 %") == (12.0, lib.BENCH_UNIT_PERCENT)
    assert parse(" 7,5 ")[0] == 7.5
    assert parse("+4")[0] == 4.0
    assert parse("1e3")[0] == 1000.0
    assert parse("\u22122,5")[0] == -2.5  # U+2212 minus
    assert parse("1.234.567")[0] == 1234567.0  # a repeated '.' groups thousands
    for text in ("", ".", "-", "1.2.3,4,5", "12a", "..", "1,2,3.4.5"):
        assert parse(text) is None, text
    assert parse("9007199254740993")[0] == float("9007199254740993")  # past 2**53: general reading
