# kommunbench -- build, test and demo.  `make demo` and `make test` install what is missing first
# (`make deps`: Debian packages; the .venv); `make` alone builds and installs nothing system-wide.
#
#   make          libbench.a, libbench.so and bench.pc in build/
#   make deps     the Debian packages the build and the tests need (apt-get, only what is missing)
#   make test     CUnit suite + pytest suite (installs Debian packages and the .venv if missing)
#   make demo     the omvärldsbevakning demo on the embedded datasets, written to out/
#   make memcheck the CUnit suite under valgrind
#   make sanitize the CUnit suite, the fuzz replays and pytest against a library built with
#                 AddressSanitizer and UndefinedBehaviorSanitizer
#   make fuzz     every parser under libFuzzer for FUZZ_SECONDS (60) seconds each
#   make bench    kommunbench against pandas, polars and DuckDB (BENCH_SIZES="1000000 3000000"), then
#                 peak memory per observation of the JSON import and a paged Kolada fetch; a size
#                 above BENCH_PEERS_MAX (10 M) is run as make bench-whole runs it
#   make bench-whole  kommunbench alone at whole-Kolada size (BENCH_WHOLE=50000000 observations):
#                 import, save, open, per_capita, compare_all, each step's peak bytes per observation
#   make lint     clang-format (.clang-format) over the C sources and ruff (pyproject.toml) over
#                 the Python, both checking only
#   make format   the same tools rewriting the files
#   make install  PREFIX=/usr/local: header, libraries and pkg-config file

PREFIX ?= /usr/local
CC ?= cc
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEBIAN_PACKAGES := libcsv-dev libcjson-dev libcunit1-dev pkg-config valgrind clang-format
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Iinclude -Ilibbench
CFLAGS ?= -O2 -g
LIBS := -lcsv -lcjson -lm

SRC := $(filter-out libbench/datasets_data.c,$(wildcard libbench/*.c)) libbench/datasets_data.c
OBJ := $(patsubst libbench/%.c,build/obj/%.o,$(SRC))
PIC_OBJ := $(patsubst libbench/%.c,build/pic/%.o,$(SRC))
TEST_SRC := $(wildcard tests/c/*.c)

.PHONY: bench-whole all deps venv package lint format test test-c test-python demo memcheck sanitize replay fuzz fuzz-deps bench install clean distclean

all: build/libbench.a build/libbench.so build/bench.pc

# ---- installing what is missing ----------------------------------------------

# dpkg answers in milliseconds, so a second run installs nothing.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(VENV)/.deps: pyproject.toml
	@[ -x $(VPY) ] || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q "setuptools>=68" wheel "cffi>=1.16"
	$(VPY) -m pip install -q ".[test,demo,maps]" --no-build-isolation
	@touch $@

venv: deps $(VENV)/.deps

# The package is rebuilt by pip whenever the C core, the header or the binding changes.
$(VENV)/.package: $(VENV)/.deps $(SRC) $(wildcard libbench/*.h) include/bench.h \
                  $(wildcard bindings/*.py bindings/kommunbench/*.py) setup.py pyproject.toml
	$(VPY) -m pip install -q --no-build-isolation --no-deps --force-reinstall .
	@touch $@

package: venv $(VENV)/.package

# ---- the library -----------------------------------------------------------

libbench/datasets_data.c: datasets/areas.csv datasets/indicators.csv datasets/seed_figures.csv datasets/price_index.csv datasets/embed.py
	$(PYTHON) datasets/embed.py $@ datasets/areas.csv datasets/indicators.csv datasets/seed_figures.csv datasets/price_index.csv

build/obj/%.o: libbench/%.c include/bench.h libbench/internal.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -fvisibility=hidden -c $< -o $@

build/pic/%.o: libbench/%.c include/bench.h libbench/internal.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

# The archive holds one object linked from all of them with the internal symbols made local, so
# that a program linking libbench.a sees only the bench_ names of bench.h, as with the .so.
build/libbench.a: $(OBJ)
	$(LD) -r -o build/obj/libbench-all.o $^
	objcopy --localize-hidden build/obj/libbench-all.o
	rm -f $@
	ar rcs $@ build/obj/libbench-all.o

build/libbench.so: $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,libbench.so.0 -o $@ $^ $(LIBS)

build/bench.pc: Makefile
	@mkdir -p build
	@printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' 'libdir=$${prefix}/lib' '' \
	  'Name: libbench' 'Description: compare Swedish municipalities: import, normalize, rank' \
	  'Version: 0.1.0' 'Requires.private: libcjson' 'Libs: -L$${libdir} -lbench' \
	  'Libs.private: -lcsv -lcjson -lm' 'Cflags: -I$${includedir}' > $@

install: all
	install -d $(PREFIX)/include $(PREFIX)/lib/pkgconfig
	install -m 644 include/bench.h $(PREFIX)/include/
	install -m 644 build/libbench.a $(PREFIX)/lib/
	install -m 755 build/libbench.so $(PREFIX)/lib/
	install -m 644 build/bench.pc $(PREFIX)/lib/pkgconfig/

# ---- lint ----------------------------------------------------------------------

C_SOURCES = $(filter-out libbench/datasets_data.c,$(wildcard libbench/*.c libbench/*.h include/*.h tests/c/*.c \
              tests/c/*.h tests/fuzz/*.c tests/fuzz/*.h bench/*.c examples/*.c))
PY_SOURCES = bindings tests/python tests/fuzz bench datasets examples

lint: deps venv
	clang-format --dry-run --Werror $(C_SOURCES)
	$(VENV)/bin/ruff check $(PY_SOURCES)
	$(VENV)/bin/ruff format --check $(PY_SOURCES)

format: deps venv
	clang-format -i $(C_SOURCES)
	$(VENV)/bin/ruff check --fix $(PY_SOURCES)
	$(VENV)/bin/ruff format $(PY_SOURCES)

# ---- tests -------------------------------------------------------------------

build/test_bench: $(TEST_SRC) $(wildcard tests/c/*.h) $(SRC) include/bench.h libbench/internal.h | deps
	@mkdir -p build
	$(CC) $(CFLAGS_COMMON) -O1 -g -DBENCH_ALLOC_HOOK -DSHARED_DATA='"$(abspath ../shared/data)"' \
	  -o $@ $(TEST_SRC) $(SRC) $(LIBS) -lcunit -lpthread

test-c: deps build/test_bench build/fuzz_replay
	./build/test_bench
	@$(MAKE) --no-print-directory replay

test-python: package
	$(VPY) -m pytest -q tests/python

test: deps all
	@status=0; \
	$(MAKE) --no-print-directory test-c || status=1; \
	$(MAKE) --no-print-directory test-python || status=1; \
	exit $$status

# The replay runner: every seed, bad input and regression file through the fuzz targets.
FUZZ_TARGETS := csv json population snapshot
FUZZ_SRC := tests/fuzz/targets.c tests/fuzz/targets.h
REPLAY_DIRS = tests/fuzz/seeds/$$t tests/fuzz/regressions/$$t tests/bad_inputs
build/fuzz_replay: tests/fuzz/replay.c $(FUZZ_SRC) $(SRC) include/bench.h libbench/internal.h | deps
	@mkdir -p build
	$(CC) $(CFLAGS_COMMON) -O1 -g -o $@ tests/fuzz/replay.c tests/fuzz/targets.c $(SRC) $(LIBS)

replay: build/fuzz_replay
	@for t in $(FUZZ_TARGETS); do ./build/fuzz_replay $$t $(REPLAY_DIRS) || exit 1; done

SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
build/test_bench_sanitize: $(TEST_SRC) $(wildcard tests/c/*.h) $(SRC) include/bench.h libbench/internal.h | deps
	@mkdir -p build
	$(CC) $(CFLAGS_COMMON) -O1 -g $(SANITIZE_FLAGS) -DBENCH_ALLOC_HOOK -DSHARED_DATA='"$(abspath ../shared/data)"' \
	  -o $@ $(TEST_SRC) $(SRC) $(LIBS) -lcunit -lpthread

build/fuzz_replay_sanitize: tests/fuzz/replay.c $(FUZZ_SRC) $(SRC) include/bench.h libbench/internal.h | deps
	@mkdir -p build
	$(CC) $(CFLAGS_COMMON) -O1 -g $(SANITIZE_FLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/targets.c $(SRC) $(LIBS)

# The Python extension built with the sanitizers into build/sanitize-py, beside links to the
# package's Python files; pytest runs against it with the sanitizer runtimes preloaded
# (Python itself is not instrumented, so leak checking is left to the C suite and valgrind).
build/sanitize-py/.built: $(SRC) $(wildcard libbench/*.h) include/bench.h bindings/build_bench.py setup.py | venv
	rm -rf build/sanitize-py build/sanitize-tmp
	CFLAGS="$(SANITIZE_FLAGS) -g" LDFLAGS="-fsanitize=address,undefined" \
	  $(VPY) setup.py -q build_ext --build-lib build/sanitize-py --build-temp build/sanitize-tmp
	@touch $@

SANITIZER_RUNTIMES = $(shell $(CC) -print-file-name=libasan.so) $(shell $(CC) -print-file-name=libubsan.so)
sanitize: deps build/test_bench_sanitize build/fuzz_replay_sanitize build/sanitize-py/.built
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ./build/test_bench_sanitize
	@for t in $(FUZZ_TARGETS); do \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ./build/fuzz_replay_sanitize $$t $(REPLAY_DIRS) || exit 1; done
	@mkdir -p build/sanitize-py/kommunbench
	@for f in bindings/kommunbench/*.py; do ln -sf $(abspath .)/$$f build/sanitize-py/kommunbench/; done
	LD_PRELOAD="$(SANITIZER_RUNTIMES)" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 KOMMUNBENCH_SANITIZED=1 PYTHONPATH=build/sanitize-py \
	  $(VPY) -m pytest -q -p no:cacheprovider tests/python

# ---- fuzzing ------------------------------------------------------------------
#
# make fuzz FUZZ_SECONDS=60: each libFuzzer target (clang, ASan, UBSan) for that many seconds,
# then the HTML report import through atheris.  Crashes are written to tests/fuzz/regressions/
# TARGET/, which `make test` replays: commit them with the fix.

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_OPTIONS = -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
               -print_final_stats=1 -artifact_prefix=tests/fuzz/regressions/$$t/
FUZZ_SHARED_csv := $(wildcard ../shared/data/kolada-rkolada-snapshot)
FUZZ_SHARED_population := $(wildcard ../shared/data/scb-pxweb-examples)

fuzz-deps:
	@command -v $(FUZZ_CC) >/dev/null && [ -n "$$(find /usr/lib/llvm-* -name 'libclang_rt.fuzzer-*.a' 2>/dev/null)" ] || { \
	  echo "installing clang and libFuzzer"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-dev || \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev; }
	@$(VPY) -c "import atheris" 2>/dev/null || $(VPY) -m pip install -q atheris

build/fuzz/fuzz_%: tests/fuzz/fuzz_main.c $(FUZZ_SRC) $(SRC) include/bench.h libbench/internal.h | fuzz-deps
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(CFLAGS_COMMON) -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -DFUZZ_TARGET=fuzz_$* -o $@ tests/fuzz/fuzz_main.c tests/fuzz/targets.c \
	  $(SRC) $(LIBS)

fuzz: package fuzz-deps $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t tests/fuzz/regressions/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  ./build/fuzz/fuzz_$$t $(FUZZ_OPTIONS) build/fuzz/corpus/$$t tests/fuzz/seeds/$$t tests/fuzz/regressions/$$t \
	    tests/bad_inputs $$(case $$t in csv) echo $(FUZZ_SHARED_csv);; population) echo $(FUZZ_SHARED_population);; esac) \
	    || exit 1; \
	done
	@t=report; mkdir -p build/fuzz/corpus/report tests/fuzz/regressions/report; \
	  echo "== fuzz report for $(FUZZ_SECONDS) s"; \
	  $(VPY) tests/fuzz/fuzz_report.py $(FUZZ_OPTIONS) build/fuzz/corpus/report tests/fuzz/seeds/report \
	    tests/fuzz/regressions/report

memcheck: deps build/test_bench
	valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
	  --errors-for-leak-kinds=definite,indirect,possible -q ./build/test_bench

# ---- the benchmark ----------------------------------------------------------------

BENCH_SIZES ?= 1000000 3000000
# Sizes above this are whole-Kolada sizes: kommunbench alone (bench/whole.py), the peers left out.
BENCH_PEERS_MAX ?= 10000000
BENCH_PEER_SIZES = $(foreach n,$(BENCH_SIZES),$(if $(shell [ $(n) -le $(BENCH_PEERS_MAX) ] && echo y),$(n)))
BENCH_WHOLE_SIZES = $(filter-out $(BENCH_PEER_SIZES),$(BENCH_SIZES))

# The peers are installed into the venv only when one is missing; build/csv_baseline is libcsv
# alone on one core, the yardstick for the CSV import.  BENCH_SIZES=1000000 for the small run only;
# BENCH_SIZES=50000000 runs make bench-whole's steps at that size.
bench: package
	@$(VPY) -c "import polars, duckdb, pyarrow" 2>/dev/null || \
	  $(VPY) -m pip install -q "polars>=1" "duckdb>=1" "pyarrow>=15"
	@mkdir -p build
	$(CC) -O2 bench/csv_baseline.c -lcsv -o build/csv_baseline
	$(VPY) bench/generate.py $(BENCH_SIZES)
	$(if $(BENCH_PEER_SIZES),$(VPY) bench/run.py $(BENCH_PEER_SIZES))
	$(if $(BENCH_PEER_SIZES),$(VPY) bench/memory.py $(BENCH_PEER_SIZES))
	$(foreach n,$(BENCH_WHOLE_SIZES),$(VPY) bench/whole.py $(n) &&) true

BENCH_WHOLE ?= 50000000
bench-whole: package
	BENCH_JSON_MAX=0 $(VPY) bench/generate.py $(BENCH_WHOLE)
	$(VPY) bench/whole.py $(BENCH_WHOLE)

# ---- the demo ------------------------------------------------------------------

demo: deps all package
	$(VPY) examples/demo.py --out out

clean:
	rm -rf build out
distclean: clean
	rm -rf $(VENV) *.egg-info bindings/*.egg-info
