# A thin front over CMake: the commands the README promises.
#
#   make demo            build and run the demo on an embedded SQLite file
#   make test            install what is missing, build, run the whole suite
#                        (on SQLite and on a throwaway PostgreSQL server)
#   make test-sanitize   the suite again, built by clang with ASan + UBSan
#                        (less the Lua-only generator fuzz tests)
#   make test-tsan       the thread tests (pool, tenants, races, async) under
#                        ThreadSanitizer
#   make generated       refresh generated/ from schema/
#   make format          clang-format the C sources (format-check: only check;
#                        the test `format` checks too)
#
# Variables: BUILD (default build), ASAN_BUILD (build-asan), CTEST_ARGS
# (e.g. CTEST_ARGS='-R runtime'), CMAKE_FLAGS. CI=true adds -Werror.

BUILD ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=
CMAKE_FLAGS ?=
ifeq ($(CI),true)
CMAKE_FLAGS += -DORMC_WERROR=ON
endif

.PHONY: demo test test-sanitize test-tsan generated format format-check clean

# The demo's build is quiet: its output (cmake's progress, make's
# "Entering directory" lines) goes to $(BUILD)/demo-build.log, which is
# shown only when the build fails. cmake's configure errors go to stderr.
demo:
	@scripts/setup demo
	@cmake -S . -B $(BUILD) -DORMC_BUILD_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS) --target ormc_demo \
	    >$(BUILD)/demo-build.log 2>&1 || \
	    { cat $(BUILD)/demo-build.log >&2; \
	      echo "make demo: the build failed (log: $(BUILD)/demo-build.log)" >&2; \
	      exit 1; }
	@$(BUILD)/examples/demo/ormc_demo

test:
	@scripts/setup test
	cmake -S . -B $(BUILD) -DORMC_BUILD_TESTS=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)
	tests/with-postgres $(BUILD) ctest --test-dir $(BUILD) \
	    --output-on-failure -j$(JOBS) $(CTEST_ARGS)

# The generator's fuzz and hostile-schema tests run Lua and gcc only, none
# of the sanitized build: `make test` runs them; here they would only cost
# minutes.
SANITIZE_EXCLUDE ?= ^gen_(fuzz|hostile)

test-sanitize:
	@scripts/setup test
	CC=clang cmake -S . -B $(ASAN_BUILD) -DORMC_BUILD_TESTS=ON \
	    -DORMC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    tests/with-postgres $(ASAN_BUILD) ctest --test-dir $(ASAN_BUILD) \
	    --output-on-failure -j$(JOBS) -E '$(SANITIZE_EXCLUDE)' $(CTEST_ARGS)

test-tsan:
	@scripts/setup test
	CC=clang cmake -S . -B $(TSAN_BUILD) -DORMC_BUILD_TESTS=ON \
	    -DORMC_TSAN=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(TSAN_BUILD) -j$(JOBS)
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	    tests/with-postgres $(TSAN_BUILD) ctest --test-dir $(TSAN_BUILD) \
	    --output-on-failure -j$(JOBS) -L threads $(CTEST_ARGS)

# generated/ (the code) and docs/schema/ (ormc doc's pictures and pages of
# the same schemas, shown by the README); gen_golden checks both are current.
generated:
	@scripts/setup demo
	bin/ormc gen -o generated schema/*.lua
	bin/ormc doc -o docs/schema schema/*.lua

format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^generated/')

format-check:
	clang-format --dry-run --Werror \
	    $$(git ls-files '*.c' '*.h' | grep -v '^generated/')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)

# make bench: install what is missing (SQLAlchemy too, unless BENCH_ARGS has
# --sqla 0), build in Release into
# $(BENCH_BUILD), start a throwaway PostgreSQL and run every benchmark
# (docs/benchmarks.md). BENCH_N, BENCH_K, BENCH_REPS make quicker runs;
# BENCH_ARGS passes more options to bench/run.py (e.g. --sqla 0).
BENCH_BUILD ?= build-bench
BENCH_N ?= 100000
BENCH_K ?= 20000
BENCH_REPS ?= 15
BENCH_ARGS ?=
.PHONY: bench
bench:
	@scripts/setup $(if $(findstring --sqla 0,$(BENCH_ARGS)),bench-c,bench)
	@cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release \
	    -DORMC_BUILD_TESTS=OFF -DORMC_BUILD_BENCH=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BENCH_BUILD) -j$(JOBS) --target bench_gen bench_raw
	tests/with-postgres $(BENCH_BUILD) python3 bench/run.py \
	    --build $(BENCH_BUILD) --n $(BENCH_N) --k $(BENCH_K) \
	    --reps $(BENCH_REPS) $(BENCH_ARGS)
