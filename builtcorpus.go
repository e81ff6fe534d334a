package ocidiff

import "io/fs"

// BuiltCorpus is the committed corpus as it was when the fuzz targets
// were built for ClusterFuzzLite (OSS-Fuzz's Go build sets the gofuzz
// build tag), holding each case's case.json: the targets fail on a split
// it lacks, because under libFuzzer nothing records one. It is nil in
// every other build, where the targets record into corpus/ instead.
func BuiltCorpus() fs.FS { return builtCorpus }

var builtCorpus fs.FS
