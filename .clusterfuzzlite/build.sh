#!/bin/bash -eu
# ClusterFuzzLite build script: OSS-Fuzz's `compile` runs it as
# `bash -eux $SRC/build.sh` in $SRC/ocidiff (see Dockerfile), and every
# executable it leaves in $OUT that is a libFuzzer target gets fuzzed. The
# fuzz targets run judges in other processes and read files at run time, so
# $OUT must also hold what they need, found there relative to the target's
# own executable (internal/cflite tests this script without Docker):
#
#   ocidiff-rust-adapter  the Rust judge (adapter.Locate: next to the executable)
#   runtime-spec/         the pinned runtime-spec module (the schema judges;
#                         specmod: <dir of the executable>/runtime-spec)
#   ocidiff-judges        the judges to run here: the defaults that can start
#                         in $OUT (the C judge cannot; see README.md)
set -euo pipefail

cd "$SRC/ocidiff"

# 1. The Rust judge's adapter. RUSTFLAGS is emptied: `compile` exports
# sanitizer flags for Rust fuzz targets (-Zsanitizer=address, nightly only),
# and the adapter is no fuzz target but a program the Go targets talk to.
# It is built from rust-adapter/ itself because, in coverage builds, the
# builder's cargo wrapper runs `cargo metadata` in the working directory.
(cd rust-adapter && RUSTFLAGS="" cargo build --release --locked)
install -m 0755 "${CARGO_TARGET_DIR:-rust-adapter/target}/release/ocidiff-rust-adapter" "$OUT/"

# 2. The runtime-spec module at the version go.mod pins, whole: the schema
# judges read schema/config-schema.json from it, and the runner has no Go
# module cache. Module cache files are read-only: make the copy writable so
# that $OUT can be cleaned.
spec=github.com/opencontainers/runtime-spec
go mod download "$spec"
spec_dir=$(go list -m -f '{{.Dir}}' "$spec")
rm -rf "$OUT/runtime-spec"
cp -R "$spec_dir" "$OUT/runtime-spec"
chmod -R u+w "$OUT/runtime-spec"

# 3. The judges the targets run. A throwaway ocidiff placed in $OUT, started
# outside the repository with no OCIDIFF_* variable, sees exactly what the
# targets will: `ocidiff judges` lists every judge from its descriptor (the
# last column, its profiles, names "default" for the defaults), and
# `ocidiff version` starts each one and names on stderr each one that
# cannot start. Only the C judges may be missing here; any other missing
# judge is a broken build.
probe="$OUT/ocidiff-judges-probe"
trap 'rm -f "$probe"' EXIT
go build -buildvcs=false -o "$probe" ./cmd/ocidiff
probe_status=0
(
  cd "$OUT"
  # One variable per C judge: OCIDIFF_C_ADAPTER_CRUN_<version>.
  for v in $(compgen -e | grep '^OCIDIFF_C_ADAPTER'); do unset "$v"; done
  env -u OCIDIFF_RUST_ADAPTER -u OCIDIFF_FUZZ \
    OCIDIFF_RUNTIME_SPEC_DIR="$OUT/runtime-spec" "$probe" judges &&
    OCIDIFF_RUNTIME_SPEC_DIR="$OUT/runtime-spec" "$probe" version >/dev/null
) > "$WORK/judges.out" 2> "$WORK/judges.err" || probe_status=$?
rm -f "$probe"
if [ "$probe_status" -ne 0 ] && [ "$probe_status" -ne 2 ]; then
  cat "$WORK/judges.err" >&2
  echo "build.sh: ocidiff judges exited with status $probe_status" >&2
  exit 1
fi
judges=()
while read -r judge; do
  if grep -qF "ocidiff: starting judge $judge: " "$WORK/judges.err"; then
    case "$judge" in
      c/*) echo "build.sh: leaving out $judge: its adapter is not built here (README.md)" ;;
      *)
        cat "$WORK/judges.err" >&2
        echo "build.sh: judge $judge cannot start in \$OUT" >&2
        exit 1
        ;;
    esac
  else
    judges+=("$judge")
  fi
done < <(awk 'NR > 1 && $NF ~ /(^|,)default(,|$)/ { print $1 }' "$WORK/judges.out")
if [ "${#judges[@]}" -eq 0 ]; then
  cat "$WORK/judges.out" "$WORK/judges.err" >&2
  echo "build.sh: no default judge found in the output of ocidiff judges" >&2
  exit 1
fi
(IFS=,; echo "${judges[*]}") > "$OUT/ocidiff-judges"
echo "build.sh: judges: $(cat "$OUT/ocidiff-judges")"

# 4. The fuzz targets. compile_native_go_fuzzer_v2 builds with -tags gofuzz,
# under which the root package embeds corpus/*/case.json as it is now, and
# the targets fail on a split it lacks (README.md). The _v2 script finds the
# file that defines `func Name(... *testing.F)`; the first version greps the
# whole package directory tree (here: the whole repository) for the bare
# name, and more files than fuzz_test.go mention these names.
# When it finds no such function it only says so and succeeds: check.
for target in FuzzDifferential:fuzz_differential FuzzRawJSON:fuzz_raw_json FuzzGoWriter:fuzz_go_writer; do
  compile_native_go_fuzzer_v2 github.com/ocidiff/ocidiff "${target%%:*}" "${target#*:}"
  if [ ! -x "$OUT/${target#*:}" ]; then
    echo "build.sh: no fuzz target $OUT/${target#*:} was built from ${target%%:*}" >&2
    exit 1
  fi
done
