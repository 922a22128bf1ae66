"""cffi build script (API mode, out of line) for kommunbench._bench.

The declarations given to cffi are generated from include/bench.h, the one
source of truth: comments, the export macro and preprocessor lines are
removed, integer macros become `#define NAME ...` (cffi reads their values
from the compiled header), and macros used as array sizes are replaced by
their numbers.  tests/python/test_build.py compiles bench.h followed by the
function prototypes of this text with gcc, so a drifted declaration is a
"conflicting types" error.  (The enum and struct definitions cannot be
compiled twice in C11; cffi itself checks their layout and values when it
builds in API mode.)
"""

import glob
import os
import re

from cffi import FFI

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = os.path.join(ROOT, "include", "bench.h")


def cdef_from_header(text):
    """Turn bench.h into text for ffibuilder.cdef()."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"\\\n", " ", text)  # join continued lines
    macros = {}
    floats = []  # double constants, read by cffi from the compiled header
    out = []
    skip_depth = 0  # inside #ifdef __cplusplus or #if defined(_WIN32) blocks
    depth = 0
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            directive = stripped[1:].strip()
            if directive.startswith(("if", "ifdef", "ifndef")):
                depth += 1
                if skip_depth == 0 and ("__cplusplus" in directive or "_WIN32" in directive):
                    skip_depth = depth
            elif directive.startswith("endif"):
                if skip_depth == depth:
                    skip_depth = 0
                depth -= 1
            elif directive.startswith("define") and not skip_depth:
                m = re.match(r"define\s+(\w+)\s+\(?(-?\d+)\)?\s*$", directive)
                if m:
                    macros[m.group(1)] = m.group(2)
                elif re.match(r"define\s+(\w+)\s+-?\d+\.\d*\s*$", directive):
                    floats.append(directive.split()[1])
            continue
        if not skip_depth:
            out.append(line)
    body = "\n".join(out)
    body = body.replace("BENCH_EXPORT ", "")
    for name, value in macros.items():
        body = re.sub(r"\[\s*%s\s*\]" % name, "[%s]" % value, body)
    defines = "\n".join(
        ["#define %s ..." % name for name in macros] + ["static const double %s;" % name for name in floats]
    )
    body = re.sub(r"\n\s*\n+", "\n", body)
    return defines + "\n" + body


def _read_header():
    with open(HEADER, encoding="utf-8") as f:
        return f.read()


ffibuilder = FFI()
ffibuilder.cdef(cdef_from_header(_read_header()))

# setuptools wants source paths relative to the project root.
_sources = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "libbench", "*.c")))
ffibuilder.set_source(
    "kommunbench._bench",
    '#include "bench.h"\n',
    sources=_sources,
    include_dirs=["include", "libbench"],
    libraries=["csv", "cjson", "m"],
    define_macros=[("_GNU_SOURCE", None)],
    extra_compile_args=["-std=c11", "-O2"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
