// Package cflite holds no code: its tests run .clusterfuzzlite/build.sh,
// the ClusterFuzzLite build script, outside Docker against a stand-in of
// the OSS-Fuzz build environment ($SRC, $OUT, $WORK and a
// compile_native_go_fuzzer_v2 that builds Go test binaries instead of
// libFuzzer ones), and then run the fuzz targets it leaves in $OUT the way
// a fuzzing runner would: from elsewhere, with no OCIDIFF_* variable and no
// Go module cache, so that everything they need must come from $OUT. They
// also run the targets on single inputs, to show that a split the embedded
// corpus holds passes and one it lacks fails.
package cflite
