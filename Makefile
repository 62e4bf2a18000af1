# The two commands of README.md: `make run` and `make test`. `make build` builds the release binary.
SHELL := /bin/bash
JOBS ?= $(shell nproc)

.PHONY: deps build build-debug run test bench clean format

deps:
	@./tools/install-deps.sh

build: deps
	@cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/release -j $(JOBS)

build-debug: deps
	@cmake -S . -B build/debug -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSTOCKTAKE_SANITIZE=ON >/dev/null
	@cmake --build build/debug -j $(JOBS)

run: build
	./build/release/stocktake serve $(ARGS)

test: build-debug
	@./tests/setup-readers.sh
	cd build/debug && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	./build/release/inventory_bench

clean:
	rm -rf build

format:
	@find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i
