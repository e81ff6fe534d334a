//go:build gofuzz

package ocidiff

import (
	"embed"
	"io/fs"
)

// The case.json and input.json of every case in corpus/ when the build
// ran: what the fuzz targets compare a cause with is what the commit
// holds, not a list kept by hand. The inputs are judged again by the
// judges the target runs, whose majority may differ from the full set's.
//
//go:embed corpus/*/case.json corpus/*/input.json
var embeddedCorpus embed.FS

func init() {
	sub, err := fs.Sub(embeddedCorpus, "corpus")
	if err != nil {
		panic(err) // "corpus" is a valid path: fs.Sub cannot fail on it
	}
	builtCorpus = sub
}
