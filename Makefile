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
C_ADAPTER    := c-adapters

# Go judges pinned to older runtime-spec releases: go-adapter/main.go built
# once per release, each with its own go.spec-RELEASE.mod. 1.0.2-dev is
# read from Debian's golang-github-opencontainers-specs-dev, as Debian 12's
# runc is built (the Go module proxy does not serve that commit).
GO_ADAPTER_SPECS := 1.0.2-dev 1.1.0 1.2.0
GO_ADAPTERS      := $(GO_ADAPTER_SPECS:%=bin/ocidiff-go-adapter-spec-%)
DEBIAN_SPECS_PKG := golang-github-opencontainers-specs-dev
# youki, the Rust runtime on oci-spec-rs, for `ocidiff confirm`: built from
# crates.io with its own Cargo.lock into build/youki (git-ignored), never
# system-wide, and copied next to bin/ocidiff where confirm finds it. The
# crate has no default features: without v1 it cannot run a container on a
# cgroup v1 or hybrid host, without v2 on a unified one, and without
# seccomp it cannot apply a config's linux.seccomp.
YOUKI_VERSION  := 0.7.0
YOUKI_FEATURES := v1,v2,systemd,seccomp
YOUKI         := bin/youki

.PHONY: all build judges deps c-adapters test gotest rusttest fuzz conformance bench memcheck corpus-update findings chaos witness clean FORCE

all: build

build: bin/ocidiff $(RUST_ADAPTER) $(C_ADAPTER) $(GO_ADAPTERS) $(YOUKI)

# What `ocidiff check` runs, and no more: the GitHub Action (action.yml)
# builds this, not youki, which only `ocidiff confirm` needs.
judges: bin/ocidiff $(RUST_ADAPTER) $(C_ADAPTER) $(GO_ADAPTERS)

# System packages. The judges need only Debian's runtime-spec Go sources
# (JUDGE_PKGS), for the Go judge pinned to Debian 12's runc. The tools
# (TOOL_PKGS) are crun and runc (the real runtimes for `ocidiff confirm`),
# busybox-static (the probe's rootfs), libseccomp-dev and pkg-config to
# build youki, valgrind for memcheck, shellcheck for the workflow lint and
# chromium for the site's browser test (cmd/ocidiff TestSiteInBrowser);
# the GitHub Action runs `make deps TOOL_PKGS= judges`, and so installs
# none of them. Installed only when missing. Then the C judges' pinned
# .debs (crun and its JSON library, from Debian 12, 13 and unstable) into
# build/, without touching the machine's apt sources: see
# c-adapter/fetch-debs.sh.
JUDGE_PKGS := $(DEBIAN_SPECS_PKG)
TOOL_PKGS  ?= crun runc busybox-static libseccomp-dev pkg-config valgrind shellcheck chromium

deps:
	@missing=""; \
	for p in $(JUDGE_PKGS) $(TOOL_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	$(MAKE) --no-print-directory -C c-adapter deps

bin/ocidiff: FORCE
	$(GO) build -o $@ ./cmd/ocidiff

$(RUST_ADAPTER): FORCE
	$(CARGO) build --release --locked --quiet --manifest-path rust-adapter/Cargo.toml
	@mkdir -p bin
	install -m 0755 rust-adapter/target/release/ocidiff-rust-adapter $@

# One adapter per crun release in c-adapter/crun-versions:
# bin/ocidiff-c-adapter-crun-<version>.
$(C_ADAPTER):
	$(MAKE) --no-print-directory -C c-adapter

bin/ocidiff-go-adapter-spec-1.0.2-dev: FORCE
	@v=$$(dpkg-query -W -f='$${Version}' $(DEBIAN_SPECS_PKG) 2>/dev/null) || \
	  { echo "$@: Debian's $(DEBIAN_SPECS_PKG) is not installed: run make deps" >&2; exit 1; }; \
	cd go-adapter && $(GO) build -overlay debian-specs.overlay.json -modfile=go.spec-1.0.2-dev.mod \
	  -ldflags "-X 'main.specPackage=Debian $(DEBIAN_SPECS_PKG) $$v'" -o ../$@ .

bin/ocidiff-go-adapter-spec-%: FORCE
	cd go-adapter && $(GO) build -modfile=go.spec-$*.mod -o ../$@ .

build/youki/bin/youki:
	$(CARGO) install youki --version $(YOUKI_VERSION) --features $(YOUKI_FEATURES) --locked --quiet --root build/youki

$(YOUKI): build/youki/bin/youki
	@mkdir -p bin
	install -m 0755 $< $@

test: build gotest rusttest

# The race detector runs over the packages whose code runs goroutines or
# processes at once: the adapter client (TestConcurrentUse), the corpus
# store that fuzz workers share, the recorder, the minimizer, the memo that
# error classes share. The judges'
# packages and the engine's (harness) spend their test time pushing 50 MB
# and deeply nested inputs through one goroutine, which -race slows about
# twentyfold for nothing to find; they run once, without it, as does the
# one such test in parsers/adapter (RACE_SKIP).
RACE_PKGS := ./internal/memo ./parsers ./parsers/adapter ./parsers/rust ./harness/corpus ./harness/recorder ./harness/minimize/...
RACE_SKIP := ^TestRustAdapterBadInput$$

# harness/report's TestReports builds and runs every report's programs:
# from a clean clone cargo compiles a few hundred Rust ones, which took
# over go test's default 10 minutes on a loaded 2-core machine.
TEST_TIMEOUT ?= 30m

gotest:
	$(GO) vet ./...
	cd go-adapter && $(GO) vet .
	$(GO) test -timeout $(TEST_TIMEOUT) ./...
	$(GO) test -timeout $(TEST_TIMEOUT) -race -skip '$(RACE_SKIP)' $(RACE_PKGS)

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
	cd "$$($(GO) list -m -f '{{.Dir}}' github.com/opencontainers/runtime-spec)"/schema/test/config && \
	  "$(CURDIR)/bin/ocidiff" check -brief "$(CURDIR)"/examples/*.json */*.json; test $$? -le 1

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
	cd "$$($(GO) list -m -f '{{.Dir}}' github.com/opencontainers/runtime-spec)"/schema/test/config && \
	  "$(CURDIR)/bin/ocidiff" confirm -agreement */*.json; test $$? -le 1

# libocispec inside libcrun.a is not built with sanitizers: replay every
# corpus input and the spec's test configs through the default C judge
# under valgrind memcheck, file by file and through one long-lived frame
# loop; any memory error or leak fails.
memcheck: $(C_ADAPTER)
	@mkdir -p build && printf '%s\n' "$(CURDIR)"/corpus/*/input.json \
		"$$($(GO) list -m -f '{{.Dir}}' github.com/opencontainers/runtime-spec)"/schema/test/config/*/*.json \
		> build/memcheck-files
	$(MAKE) --no-print-directory -C c-adapter memcheck MEMCHECK_LIST=../build/memcheck-files

# The README's figures: the engine on one core, then the fuzzing loop.
bench: build
	$(GO) test -run '^$$' -bench . -cpu 1 -benchtime 2s ./harness
	$(GO) test -run '^$$' -bench FuzzLoop -benchtime 20s ./harness/recorder

# The recorder under faults, at scale (harness/recorder.TestChaos): CHAOS_CHECKS
# differential checks by two worker processes sharing a copy of corpus/, an
# adapter child SIGKILLed every 1,000 checks, a worker SIGKILLed while it
# writes a case.
# Prints checks, kills, spurious and lost cases (both must be 0) and whether
# the corpus still replays. Takes tens of minutes on two cores.
# CHAOS_TIME=40m stops it early (and fails) on a machine too loaded to finish.
CHAOS_CHECKS ?= 1000000
CHAOS_TIME   ?=
chaos: build
	OCIDIFF_CHAOS_CHECKS=$(CHAOS_CHECKS) OCIDIFF_CHAOS_TIME=$(CHAOS_TIME) $(GO) test -run '^TestChaos$$' -v -count 1 -timeout 0 ./harness/recorder

clean:
	rm -rf bin rust-adapter/target build
	$(MAKE) --no-print-directory -C c-adapter clean

FORCE:
