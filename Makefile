# tsrun build. `make` leaves an executable bin/tsrun; see README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := all

BUN      := node_modules/.bin/bun
NODE_GYP := node_modules/.bin/node-gyp
# Node's headers come with the machine's Node.js (no download at build time).
NODEDIR  ?= /usr
CXX      ?= g++
INIT_CXXFLAGS := -std=c++20 -Os -Wall -Wextra -Wno-unused-parameter -static -s -fno-asynchronous-unwind-tables
INIT_SRCS := $(filter-out addon/init/fuzz_plan.cc addon/init/test_plan_decode.cc,$(wildcard addon/init/*.cc))
INIT_HDRS := $(wildcard addon/init/*.h) addon/common/protocol.h
ADDON_SRCS := $(wildcard addon/src/*.cc addon/src/*.h addon/src/*.S) addon/binding.gyp
ADDON := addon/build/Release/tsrun_native.node
TS_SRCS := $(shell find src -name '*.ts')
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

DEBIAN_PACKAGES := busybox-static libseccomp-dev runc iproute2 hyperfine uidmap
# Commands each package provides, to tell whether it is installed.
DEBIAN_PROBES := /bin/busybox /usr/include/seccomp.h /usr/sbin/runc /sbin/ip /usr/bin/hyperfine /usr/bin/newuidmap

.PHONY: all deps debian-deps engine-deps demo test unit conformance e2e bench clean typecheck runtime-tools

all: bin/tsrun

# --- dependencies ----------------------------------------------------------
debian-deps:
	@missing=0; for f in $(DEBIAN_PROBES); do [ -e $$f ] || missing=1; done; \
	if [ $$missing = 1 ]; then \
	  echo "installing Debian packages: $(DEBIAN_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: debian-deps node_modules/.package-lock.json

# --- native part -----------------------------------------------------------
build/tsrun-init: $(INIT_SRCS) $(INIT_HDRS)
	@mkdir -p build
	$(CXX) $(INIT_CXXFLAGS) -o $@ $(INIT_SRCS)

$(ADDON): build/tsrun-init $(ADDON_SRCS) addon/common/protocol.h node_modules/.package-lock.json
	@# the blob object embeds build/tsrun-init: rebuild it whenever init changes
	@rm -f addon/build/Release/obj.target/tsrun_native/src/init_blob.o
	@[ -f addon/build/Makefile ] || (cd addon && ../$(NODE_GYP) configure --nodedir=$(NODEDIR) >/dev/null)
	cd addon && ../$(NODE_GYP) build --nodedir=$(NODEDIR) >/dev/null

# --- TypeScript ------------------------------------------------------------
build/gen/validate-config.js: schema/config.schema.json scripts/build-validator.mjs node_modules/.package-lock.json
	node scripts/build-validator.mjs

bin/tsrun: $(ADDON) build/gen/validate-config.js $(TS_SRCS)
	@mkdir -p bin
	@# dbus-next's optional native socket and X11 lookup stay out: it falls back to node:net
	$(BUN) build --compile --bytecode --minify --external usocket --external x11 --define TSRUN_COMMIT='"$(COMMIT)"' src/cli/bin.ts --outfile bin/tsrun >/dev/null
	@echo "built bin/tsrun"

dist/lib/index.js: build/gen/validate-config.js $(TS_SRCS)
	node_modules/.bin/tsc -p .

typecheck: node_modules/.package-lock.json build/gen/validate-config.js
	node_modules/.bin/tsc --noEmit -p .

# --- demo ------------------------------------------------------------------
bundles/demo/rootfs/bin/busybox: /bin/busybox bundles/make-rootfs.sh
	bash bundles/make-rootfs.sh bundles/demo/rootfs

demo: deps all bundles/demo/rootfs/bin/busybox
	@bin/tsrun delete --force tsrun-demo >/dev/null 2>&1 || true
	bin/tsrun run --bundle bundles/demo tsrun-demo

# --- tests -----------------------------------------------------------------
unit: deps all
	node_modules/.bin/tap test/unit

conformance: deps all
	node_modules/.bin/tap conformance

test: deps all typecheck
	@bash scripts/run-tests.sh

# The cgroup tests on pure cgroup v2 with systemd, in a VM sharing this
# directory (../shared/vm/run-in-vm.sh); see scripts/test-cgroup2.sh.
.PHONY: test-cgroup2
test-cgroup2: deps all
	@bash scripts/test-cgroup2.sh

# The opencontainers runtime-tools validation suite, from a checkout built
# elsewhere (RUNTIME_TOOLS=dir; see conformance/README.md). RUNTIME as above.
runtime-tools: all
	@if [ -z "$(RUNTIME_TOOLS)" ]; then \
	  echo "runtime-tools: skipped (set RUNTIME_TOOLS to a runtime-tools checkout where 'make runtimetest validation-executables' ran)"; \
	else RUNTIME_TOOLS="$(RUNTIME_TOOLS)" bash conformance/runtime-tools.sh; fi

bench: deps all
	bash scripts/bench.sh
	@if [ -f $(E2E) ]; then $(MAKE) --no-print-directory engine-deps && bash scripts/bench-engines.sh $(E2E); fi

# --- engines end to end (containerd, podman, Docker) ---------------------------
E2E := ../shared/e2e/engines.sh
ENGINE_PACKAGES := containerd podman conmon docker.io bsdutils
ENGINE_PROBES := /usr/bin/containerd /usr/bin/podman /usr/bin/conmon /usr/bin/dockerd /usr/bin/script

engine-deps:
	@missing=0; for f in $(ENGINE_PROBES); do [ -e $$f ] || missing=1; done; \
	if [ $$missing = 1 ]; then \
	  echo "installing Debian packages: $(ENGINE_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(ENGINE_PACKAGES) >/dev/null; \
	fi

e2e: deps all engine-deps
	@[ -f $(E2E) ] || { echo "e2e: $(E2E) not found (it comes with ../shared)"; exit 1; }
	bash $(E2E) $(CURDIR)/bin/tsrun all

clean:
	rm -rf build addon/build bin dist bundles/demo/rootfs
