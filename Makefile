# kommunbench -- build, test and demo.  `make demo` and `make test` install what is missing first.
#
#   make          libbench.a, libbench.so and bench.pc in build/
#   make test     CUnit suite + pytest suite (installs Debian packages and the .venv if missing)
#   make demo     the omvärldsbevakning demo on the embedded datasets, written to out/
#   make memcheck the CUnit suite under valgrind
#   make sanitize the CUnit suite built with AddressSanitizer and UndefinedBehaviorSanitizer
#   make bench    kommunbench against pandas, polars and DuckDB (BENCH_SIZES="1000000 10000000")
#   make install  PREFIX=/usr/local: header, libraries and pkg-config file

PREFIX ?= /usr/local
CC ?= cc
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEBIAN_PACKAGES := libcsv-dev libcjson-dev libcunit1-dev pkg-config valgrind
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-format-truncation -Iinclude -Ilibbench
CFLAGS ?= -O2 -g
LIBS := -lcsv -lcjson -lm

SRC := $(filter-out libbench/datasets_data.c,$(wildcard libbench/*.c)) libbench/datasets_data.c
OBJ := $(patsubst libbench/%.c,build/obj/%.o,$(SRC))
PIC_OBJ := $(patsubst libbench/%.c,build/pic/%.o,$(SRC))
TEST_SRC := $(wildcard tests/c/*.c)

.PHONY: all deps venv package test test-c test-python demo memcheck sanitize bench install clean distclean

all: deps build/libbench.a build/libbench.so build/bench.pc

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
	$(VPY) -m pip install -q ".[test,demo]" --no-build-isolation
	@touch $@

venv: deps $(VENV)/.deps

# The package is rebuilt by pip whenever the C core, the header or the binding changes.
$(VENV)/.package: $(VENV)/.deps $(SRC) $(wildcard libbench/*.h) include/bench.h \
                  $(wildcard bindings/*.py bindings/kommunbench/*.py) setup.py pyproject.toml
	$(VPY) -m pip install -q --no-build-isolation --no-deps --force-reinstall .
	@touch $@

package: venv $(VENV)/.package

# ---- the library -----------------------------------------------------------

libbench/datasets_data.c: datasets/areas.csv datasets/indicators.csv datasets/seed_figures.csv datasets/embed.py
	$(PYTHON) datasets/embed.py $@ datasets/areas.csv datasets/indicators.csv datasets/seed_figures.csv

build/obj/%.o: libbench/%.c include/bench.h libbench/internal.h | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -c $< -o $@

build/pic/%.o: libbench/%.c include/bench.h libbench/internal.h | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

build/libbench.a: $(OBJ)
	ar rcs $@ $^

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

# ---- tests -------------------------------------------------------------------

build/test_bench: $(TEST_SRC) $(wildcard tests/c/*.h) $(SRC) include/bench.h libbench/internal.h | deps
	@mkdir -p build
	$(CC) $(CFLAGS_COMMON) -O1 -g -DBENCH_ALLOC_HOOK -DSHARED_DATA='"$(abspath ../shared/data)"' \
	  -o $@ $(TEST_SRC) $(SRC) $(LIBS) -lcunit

test-c: deps build/test_bench
	./build/test_bench

test-python: package
	$(VPY) -m pytest -q tests/python

test: all
	@status=0; \
	$(MAKE) --no-print-directory test-c || status=1; \
	$(MAKE) --no-print-directory test-python || status=1; \
	exit $$status

build/test_bench_sanitize: $(TEST_SRC) $(wildcard tests/c/*.h) $(SRC) include/bench.h libbench/internal.h | deps
	@mkdir -p build
	$(CC) $(CFLAGS_COMMON) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	  -fno-omit-frame-pointer -DBENCH_ALLOC_HOOK -DSHARED_DATA='"$(abspath ../shared/data)"' \
	  -o $@ $(TEST_SRC) $(SRC) $(LIBS) -lcunit

sanitize: deps build/test_bench_sanitize
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ./build/test_bench_sanitize

memcheck: deps build/test_bench
	valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
	  --errors-for-leak-kinds=definite,indirect,possible -q ./build/test_bench

# ---- the benchmark ----------------------------------------------------------------

BENCH_SIZES ?= 1000000 10000000

# The peers are installed into the venv only when one is missing; build/csv_baseline is libcsv
# alone on one core, the yardstick for the CSV import.  BENCH_SIZES=1000000 for the small run only.
bench: package
	@$(VPY) -c "import polars, duckdb, pyarrow" 2>/dev/null || \
	  $(VPY) -m pip install -q "polars>=1" "duckdb>=1" "pyarrow>=15"
	@mkdir -p build
	$(CC) -O2 bench/csv_baseline.c -lcsv -o build/csv_baseline
	$(VPY) bench/generate.py $(BENCH_SIZES)
	$(VPY) bench/run.py $(BENCH_SIZES)

# ---- the demo ------------------------------------------------------------------

demo: all package
	$(VPY) examples/demo.py --out out

clean:
	rm -rf build out
distclean: clean
	rm -rf $(VENV) *.egg-info bindings/*.egg-info
