// Package ocidiff is the root of the ocidiff module. It holds no code of
// its own: fuzz_test.go here is the fuzzing job (go test -fuzz), and
// replay_test.go replays the regression corpus in corpus/. The engine is
// in harness/, the judges in parsers/, the command in cmd/ocidiff.
package ocidiff
