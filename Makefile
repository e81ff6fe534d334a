# ocidiff: differential fuzzing and conformance for OCI runtime-spec config.json.
#
#   make fuzz    the main job: a short fuzzing and conformance run on the bundled defaults
#   make test    everything CI runs: Go tests (real judges), the Rust adapter's
#                tests, clippy and rustfmt
#
# `make build` leaves bin/ocidiff and the adapters it starts, so that
# bin/ocidiff works from the repository root without flags.

SHELL    := /bin/bash
GO       ?= go
CARGO    ?= cargo
DURATION ?= 60s

RUST_ADAPTER := bin/ocidiff-rust-adapter
C_ADAPTER    := bin/ocidiff-c-adapter
# youki, the Rust runtime on oci-spec-rs, for `ocidiff confirm`: built from
# crates.io with its own Cargo.lock into build/youki (git-ignored), never
# system-wide, and copied next to bin/ocidiff where confirm finds it. The
# crate has no default features: without v1 it cannot run a container on a
# cgroup v1 or hybrid host, without v2 on a unified one, and without
# seccomp it cannot apply a config's linux.seccomp.
YOUKI_VERSION  := 0.7.0
YOUKI_FEATURES := v1,v2,systemd,seccomp
YOUKI         := bin/youki

.PHONY: all build deps test gotest rusttest fuzz conformance bench memcheck corpus-update findings witness clean FORCE

all: build

build: bin/ocidiff $(RUST_ADAPTER) $(C_ADAPTER) $(YOUKI)

# System packages the judges need: crun's libcrun.a (libocispec) and yajl
# for the C judge, valgrind for memcheck, shellcheck for the workflow lint;
# and for `ocidiff confirm`: runc, busybox-static (the probe's rootfs), and
# libseccomp-dev and pkg-config to build youki.
# Installed only when missing.
deps:
	@missing=""; \
	for p in crun libyajl-dev valgrind shellcheck runc busybox-static libseccomp-dev pkg-config; do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

bin/ocidiff: FORCE
	$(GO) build -o $@ ./cmd/ocidiff

$(RUST_ADAPTER): FORCE
	$(CARGO) build --release --locked --quiet --manifest-path rust-adapter/Cargo.toml
	@mkdir -p bin
	install -m 0755 rust-adapter/target/release/ocidiff-rust-adapter $@

$(C_ADAPTER): FORCE
	$(MAKE) --no-print-directory -C c-adapter

build/youki/bin/youki:
	$(CARGO) install youki --version $(YOUKI_VERSION) --features $(YOUKI_FEATURES) --locked --quiet --root build/youki

$(YOUKI): build/youki/bin/youki
	@mkdir -p bin
	install -m 0755 $< $@

test: build gotest rusttest

gotest:
	$(GO) vet ./...
	$(GO) test ./...

rusttest:
	cd rust-adapter && $(CARGO) fmt --check
	cd rust-adapter && $(CARGO) clippy --locked --quiet --all-targets -- -D warnings
	cd rust-adapter && $(CARGO) test --locked --quiet

# The main job: the bundled examples through every judge, then a short
# fuzzing run (DURATION, shared by the two fuzz targets) that records new
# disagreements in corpus/.
fuzz: build conformance
	bin/ocidiff fuzz -duration $(DURATION)

# Every bundled example and the spec's own test configs through every
# judge; disagreeing is the expected outcome (exit 1), an error is not.
conformance: build
	cd $$($(GO) list -m -f '{{.Dir}}' github.com/opencontainers/runtime-spec)/schema/test/config && \
	  $(CURDIR)/bin/ocidiff check -brief $(CURDIR)/examples/*.json */*.json; test $$? -le 1

# Judge every corpus case again and re-record what changed, on purpose
# (an upstream fix, a new judge version); then regenerate FINDINGS.md.
corpus-update: build
	bin/ocidiff corpus update
	$(MAKE) --no-print-directory findings

findings: build
	bin/ocidiff findings > FINDINGS.md

# How closely each judge stands for its real runtime: every corpus input,
# then the spec's own test configs, loaded by real crun, runc and youki (as
# root), each load stage compared with its judge's verdict (the README's
# figures). Mismatches are listed; they do not fail the target.
witness: build
	bin/ocidiff confirm -agreement corpus/*/; test $$? -le 1
	cd $$($(GO) list -m -f '{{.Dir}}' github.com/opencontainers/runtime-spec)/schema/test/config && \
	  $(CURDIR)/bin/ocidiff confirm -agreement */*.json; test $$? -le 1

# libocispec inside libcrun.a is not built with sanitizers: replay every
# corpus input and the spec's test configs through the C adapter under
# valgrind memcheck; any memory error or leak fails.
memcheck: $(C_ADAPTER)
	$(MAKE) --no-print-directory -C c-adapter memcheck \
		MEMCHECK_FILES="$$(echo $(CURDIR)/corpus/*/input.json $$($(GO) list -m -f '{{.Dir}}' github.com/opencontainers/runtime-spec)/schema/test/config/*/*.json)"

# The README's figures: the engine on one core, then the fuzzing loop.
bench: build
	$(GO) test -run '^$$' -bench . -cpu 1 -benchtime 2s ./harness
	$(GO) test -run '^$$' -bench FuzzLoop -benchtime 20s ./harness/recorder

clean:
	rm -rf bin rust-adapter/target build
	$(MAKE) --no-print-directory -C c-adapter clean

FORCE:
