# ocidiff: differential fuzzing and conformance for OCI runtime-spec config.json.
#
#   make fuzz    the main job: a short fuzzing and conformance run on the bundled defaults
#   make test    everything CI runs: Go tests (real judges), the Rust adapter's
#                tests, clippy and rustfmt
#
# `make build` leaves bin/ocidiff and the adapters it starts, so that
# bin/ocidiff works from the repository root without flags.

GO       ?= go
CARGO    ?= cargo
DURATION ?= 60s

RUST_ADAPTER := bin/ocidiff-rust-adapter
C_ADAPTER    := bin/ocidiff-c-adapter

.PHONY: all build deps test gotest rusttest fuzz bench memcheck corpus-update clean FORCE

all: build

build: bin/ocidiff $(RUST_ADAPTER) $(C_ADAPTER)

# System packages the judges need: crun's libcrun.a (libocispec) and yajl
# for the C judge, valgrind for memcheck. Installed only when missing.
deps:
	@missing=""; \
	for p in crun libyajl-dev valgrind; do \
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

test: build gotest rusttest

gotest:
	$(GO) vet ./...
	$(GO) test ./...

rusttest:
	cd rust-adapter && $(CARGO) fmt --check
	cd rust-adapter && $(CARGO) clippy --locked --quiet --all-targets -- -D warnings
	cd rust-adapter && $(CARGO) test --locked --quiet

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 2s ./...

clean:
	rm -rf bin rust-adapter/target
	$(MAKE) --no-print-directory -C c-adapter clean

FORCE:
