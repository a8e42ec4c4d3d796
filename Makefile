# The two commands of the README:
#   make test   installs dependencies, builds, runs every test through ctest
#   make demo   installs dependencies, builds, prepares the demo library
BUILD ?= build
JOBS ?= 2
# Size of bench/search's synthetic library (the search issue's target is 1000000).
SEARCH_PASSAGES ?= 100000
CMAKE_FLAGS ?=
SOURCES = $(shell git ls-files --cached --others --exclude-standard 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp' 2>/dev/null)

.PHONY: deps configure build test demo bench format format-check lint asan tsan clean

deps:
	scripts/install-deps

configure: deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	scripts/demo $(BUILD)/repere

# Benchmarks print figures and never fail on time; they are not part of `make test`.
bench: deps
	cmake -S . -B $(BUILD) -G Ninja -DREPERE_BUILD_BENCH=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS) --target ingest_bench search_bench http_bench repere
	$(BUILD)/bench/ingest_bench . $(BUILD)/bench-work
	$(BUILD)/bench/search_bench . $(BUILD)/bench-work $(SEARCH_PASSAGES)
	scripts/bench-http $(BUILD)

# AddressSanitizer + UndefinedBehaviorSanitizer build and test run, in its own build folder.
asan:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DREPERE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

# ThreadSanitizer over the concurrent tests (searches and pages from several clients at once,
# the server's own threads), in its own build folder.
TSAN_TESTS ?= Hardening.Concurrent*:WebServer.OversizedAndHostile*:Hardening.Slowloris*:Hardening.Pipelined*
# Filtered searches from 8 threads: where the shared Xapian::Query::MatchAll was freed.
TSAN_SEARCH_TESTS ?= Lexical.FilteredSearchesFromManyThreads*
tsan: deps
	cmake -S . -B build-tsan -G Ninja -DREPERE_TSAN=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build build-tsan -j $(JOBS) --target web_test search_test
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/web_test --gtest_filter='$(TSAN_TESTS)'
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/search_test --gtest_filter='$(TSAN_SEARCH_TESTS)'

format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run --Werror $(SOURCES)

lint: configure
	clang-tidy -p $(BUILD) --quiet $(filter %.cpp,$(SOURCES))

clean:
	rm -rf $(BUILD) build-asan build-tsan
