"""The built module agrees with include/bench.h: versions, enums, and the cffi declarations
compiled together with the header (a drift is a "conflicting types" error)."""
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import kommunbench as kb
from kommunbench import Status, lib

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "bench.h"


def cdef_text():
    spec = importlib.util.spec_from_file_location("build_bench", ROOT / "bindings" / "build_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cdef_from_header(HEADER.read_text(encoding="utf-8"))


def test_versions_agree():
    header = HEADER.read_text(encoding="utf-8")
    assert kb.__version__ == re.search(r'#define BENCH_VERSION "([^"]+)"', header).group(1)
    assert lib.bench_version_number() == lib.BENCH_VERSION_NUMBER


def test_status_enum_comes_from_the_library():
    assert Status.OK == 0 and Status.EPARSE == lib.BENCH_EPARSE
    assert {s.name for s in Status} >= {"ENOMEM", "EINVAL", "EIO", "EPARSE", "ENOTFOUND", "ELIMIT"}


def prototypes(text):
    """The function declarations of the cdef text.  Types cannot be declared twice in C, and
    cffi checks the struct layouts and enum values itself when it builds in API mode."""
    text = re.sub(r"#define \w+ \.\.\.\n", "", text)
    text = re.sub(r"typedef\s+(struct|enum)\s+\w+\s*\{.*?\}\s*\w+\s*;", "", text, flags=re.S)
    text = re.sub(r"typedef\s+struct\s+\w+\s+\w+\s*;", "", text)
    return "\n".join(stmt.strip() + ";" for stmt in text.split(";") if "(" in stmt)


def compile_with_header(text, tmp_path):
    src = tmp_path / "check.c"
    src.write_text('#include "bench.h"\n' + prototypes(text))
    return subprocess.run([shutil.which("gcc") or "cc", "-fsyntax-only", "-std=c11", "-I", str(ROOT / "include"),
                           str(src)], capture_output=True, text=True)


@pytest.mark.skipif(not (shutil.which("gcc") or shutil.which("cc")), reason="needs a C compiler")
def test_cdef_compiles_with_the_header(tmp_path):
    assert prototypes(cdef_text()).count(";") > 40  # every function of the API is checked
    r = compile_with_header(cdef_text(), tmp_path)
    assert r.returncode == 0, r.stderr


@pytest.mark.skipif(not (shutil.which("gcc") or shutil.which("cc")), reason="needs a C compiler")
def test_a_drifted_declaration_is_caught(tmp_path):
    text = cdef_text()
    drifted = text.replace("size_t bench_db_count(", "int bench_db_count(")
    assert drifted != text
    r = compile_with_header(drifted, tmp_path)
    assert r.returncode != 0 and "conflicting types" in r.stderr
