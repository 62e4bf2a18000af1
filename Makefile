# The two commands of README.md: `make run` and `make test`. `make build` builds the release binary.
SHELL := /bin/bash
JOBS ?= $(shell nproc)

.PHONY: deps build build-debug run test bench fuzz clean format format-check

deps:
	@./tools/install-deps.sh

build: deps
	@cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/release -j $(JOBS) --target stocktake

build-debug: deps
	@cmake -S . -B build/debug -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSTOCKTAKE_SANITIZE=ON >/dev/null
	@cmake --build build/debug -j $(JOBS)

run: build
	./build/release/stocktake serve $(ARGS)

test: build-debug
	@./tests/setup-readers.sh
	cd build/debug && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	@cmake --build build/release -j $(JOBS) --target inventory_bench s3_bench scan_bench
	./build/release/inventory_bench --objects 200000
	./build/release/s3_bench --duration-seconds 3 --list-keys 20000 --report-keys 200000
	./build/release/scan_bench --objects 100000

# Runs every libFuzzer target for FUZZ_SECONDS (default 60) each; crashers land in build/fuzz/crashes.
FUZZ_SECONDS ?= 60
fuzz: deps
	@cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSTOCKTAKE_FUZZ=ON >/dev/null
	@cmake --build build/fuzz -j $(JOBS) --target $$(ls fuzz/fuzz_*.cc | xargs -n1 basename | sed 's/\.cc$$//')
	@./fuzz/run-fuzzers.sh build/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build

# The C++ sources git tracks, as .clang-format wants them (clang-format 14); CI runs format-check.
FORMATTED = $(shell git ls-files '*.cc' '*.h')
format:
	@clang-format -i $(FORMATTED)
format-check:
	@clang-format --dry-run --Werror $(FORMATTED)
