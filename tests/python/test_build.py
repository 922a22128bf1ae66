"""The built module against include/bench.h: versions, the cffi declarations, enums.

STYLE.md asks for a smoke test that the built module's version equals the header's, and for a
check that compiles bench.h together with the cdef text the binding gives cffi
(`gcc -fsyntax-only`), since cffi's API mode builds silently with a wrong return or value type:
any drift is then a "conflicting types" error.
"""

import enum
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import kommunbench as kb
import pytest
from kommunbench import ffi, lib

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "bench.h"
BUILD_SCRIPT = ROOT / "bindings" / "build_bench.py"


def header_text():
    return HEADER.read_text(encoding="utf-8")


def header_define(name):
    m = re.search(r"^#define\s+%s\s+(\S+)" % name, header_text(), re.M)
    assert m, f"{name} is not defined in {HEADER}"
    return m.group(1)


def header_enum(name):
    """{enumerator: value} of `typedef enum <name> {...}` in bench.h."""
    m = re.search(r"typedef enum %s \{(.*?)\}" % name, header_text(), re.S)
    assert m, f"enum {name} not found in {HEADER}"
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    return {k: int(v) for k, v in re.findall(r"(\w+)\s*=\s*(-?\d+)", body)}


# ---- version -------------------------------------------------------------------------------


def test_version_equals_header():
    assert kb.__version__ == header_define("BENCH_VERSION").strip('"')
    assert kb.__version__ == "%s.%s.%s" % tuple(
        header_define(f"BENCH_VERSION_{p}") for p in ("MAJOR", "MINOR", "PATCH")
    )


def test_version_number_at_run_time_equals_compiled_header():
    assert lib.bench_version_number() == lib.BENCH_VERSION_NUMBER
    assert lib.BENCH_VERSION_NUMBER == int(header_define("BENCH_VERSION_NUMBER"))
    major, minor, patch = (int(header_define(f"BENCH_VERSION_{p}")) for p in ("MAJOR", "MINOR", "PATCH"))
    assert lib.BENCH_VERSION_NUMBER == major * 10000 + minor * 100 + patch
    assert ffi.string(lib.bench_version()).decode() == kb.__version__


def test_package_metadata_version_equals_header():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'^version\s*=\s*"([^"]+)"', pyproject, re.M)
    assert m and m.group(1) == kb.__version__


# ---- the cdef check ------------------------------------------------------------------------


def load_build_script():
    spec = importlib.util.spec_from_file_location("_kb_build_bench", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # needs cffi, which is installed with the package
    return module


@pytest.fixture(scope="module")
def cdef_text():
    return load_build_script().cdef_from_header(header_text())


@pytest.fixture(scope="module")
def gcc():
    path = shutil.which("gcc")
    if path is None:
        pytest.skip("gcc is not installed: the cdef check compiles bench.h with gcc")
    return path


def compile_with_header(gcc, text):
    """`#include "bench.h"` followed by `text`, checked by gcc; returns the CompletedProcess."""
    source = '#include "bench.h"\n' + text + "\n"
    return subprocess.run(
        [gcc, "-fsyntax-only", "-std=c11", "-Iinclude", "-x", "c", "-"],
        input=source,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def drifted(text):
    """The cdef text with one declaration changed: bench_db_count returns int, not size_t."""
    assert text.count("size_t bench_db_count") == 1
    return text.replace("size_t bench_db_count", "int bench_db_count")


def test_cdef_text_declares_every_function_of_the_header(cdef_text):
    functions = set(re.findall(r"BENCH_EXPORT\b[^;(]*?\b(bench_\w+)\s*\(", header_text()))
    assert len(functions) > 40
    declared = set(re.findall(r"\b(bench_\w+)\s*\(", cdef_text))
    assert functions <= declared
    for name in functions:  # and every one of them is callable in the built module
        assert callable(getattr(lib, name)), name


def test_cdef_drift_makes_gcc_fail(gcc, cdef_text):
    """Negative control: one altered declaration is a conflicting-types error naming it."""
    result = compile_with_header(gcc, drifted(cdef_text))
    assert result.returncode != 0
    assert re.search(r"conflicting types for .bench_db_count.", result.stderr), result.stderr[-3000:]


def prototypes(text):
    """The cdef text without cffi's '#define NAME ...' lines and without the enum and struct
    definitions (which C11 refuses to see twice): what is left are the typedefs of the opaque
    handles and the function prototypes, which gcc compares with bench.h's."""
    text = re.sub(r"^#define \w+ \.\.\.$", "", text, flags=re.M)
    text = re.sub(r"^static const double \w+;$", "", text, flags=re.M)  # cffi's form of a double macro
    text = re.sub(r"typedef\s+(?:struct|enum)\s+\w+\s*\{.*?\}\s*\w+\s*;", "", text, flags=re.S)
    return text


def test_cdef_prototypes_compile_with_header(gcc, cdef_text):
    """The part of the check C11 allows: every prototype the binding declares agrees with
    bench.h (a wrong return or parameter type would be 'conflicting types')."""
    text = prototypes(cdef_text)
    assert "{" not in text
    assert len(re.findall(r"\bbench_\w+\s*\(", text)) > 40  # every function is checked
    result = compile_with_header(gcc, text)
    assert result.returncode == 0, result.stderr[-3000:]


def test_cdef_prototype_drift_makes_gcc_fail(gcc, cdef_text):
    result = compile_with_header(gcc, drifted(prototypes(cdef_text)))
    assert result.returncode != 0
    assert re.search(r"conflicting types for .bench_db_count.", result.stderr), result.stderr[-3000:]


# ---- enums -----------------------------------------------------------------------------------


def test_status_is_an_intenum_read_from_lib():
    assert issubclass(kb.Status, enum.IntEnum)
    header = header_enum("bench_status")
    assert {f"BENCH_{m.name}" for m in kb.Status} == set(header)
    for member in kb.Status:
        assert member.value == getattr(lib, f"BENCH_{member.name}") == header[f"BENCH_{member.name}"]
    assert kb.Status.OK == 0 and all(m < 0 for m in kb.Status if m.name != "OK")


def test_status_text_comes_from_the_library():
    for member in kb.Status:
        text = ffi.string(lib.bench_strerror(member)).decode()
        assert text and text.isprintable()


@pytest.mark.parametrize(
    "enum_name",
    [
        "bench_gender",
        "bench_kind",
        "bench_obs_status",
        "bench_area_type",
        "bench_direction",
        "bench_column_type",
        "bench_csv_layout",
        "bench_unit",
    ],
)
def test_other_enum_values_in_lib_equal_header(enum_name):
    values = header_enum(enum_name)
    assert values
    for name, value in values.items():
        assert getattr(lib, name) == value, name


def test_exceptions_map_status_codes():
    from kommunbench._native import check

    expected = {
        kb.Status.ENOMEM: kb.OutOfMemoryError,
        kb.Status.EINVAL: kb.InvalidArgumentError,
        kb.Status.EIO: kb.FileError,
        kb.Status.EPARSE: kb.ParseError,
        kb.Status.ENOTFOUND: kb.NotFoundError,
        kb.Status.ELIMIT: kb.LimitError,
        kb.Status.ECORRUPT: kb.CorruptError,
        kb.Status.EVERSION: kb.VersionError,
    }
    builtins = {
        kb.OutOfMemoryError: MemoryError,
        kb.InvalidArgumentError: ValueError,
        kb.FileError: OSError,
        kb.ParseError: ValueError,
        kb.NotFoundError: KeyError,
        kb.ClosedError: ValueError,
    }
    for status, cls in expected.items():
        with pytest.raises(cls) as info:
            check(int(status))
        assert isinstance(info.value, kb.BenchError)
        assert info.value.code == status
        assert str(info.value) == ffi.string(lib.bench_strerror(status)).decode()
    for cls, builtin in builtins.items():
        assert issubclass(cls, kb.BenchError) and issubclass(cls, builtin)
    check(int(kb.Status.OK))  # no exception


# ---- what the libraries export ------------------------------------------------------------


def exported_functions():
    """The functions bench.h declares with BENCH_EXPORT."""
    return set(re.findall(r"BENCH_EXPORT[^;(]*?\b(bench_\w+)\s*\(", header_text()))


@pytest.mark.parametrize("library", ["libbench.a", "libbench.so"])
def test_libraries_export_exactly_the_header(library):
    """Internal functions (the allocator, the merge, the code pools) are hidden from the archive
    as from the shared library: a program linking either sees the names of bench.h only."""
    if not shutil.which("nm"):
        pytest.skip("nm is not installed")
    path = ROOT / "build" / library
    subprocess.run(["make", "-s", "-C", str(ROOT), f"build/{library}"], check=True, capture_output=True)
    args = ["nm", "-g", "--defined-only"] + (["-D"] if library.endswith(".so") else []) + [str(path)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    names = {parts[2] for parts in (line.split() for line in out.splitlines()) if len(parts) == 3}
    assert names == exported_functions()
