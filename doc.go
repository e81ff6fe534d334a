// Package ocidiff is the root of the ocidiff module. It holds no code of
// its own: fuzz_test.go here is the fuzzing job (go test -fuzz), and
// replay_test.go replays the regression corpus in corpus/. The engine is
// in harness/, the judges in parsers/, the command in cmd/ocidiff. In a
// ClusterFuzzLite build (the gofuzz build tag), it also embeds the
// corpus's case.json files for the fuzz targets (BuiltCorpus).
package ocidiff
