//go:build gofuzz

package ocidiff

import (
	"embed"
	"io/fs"
)

// The case.json of every case in corpus/ when the build ran: what the
// fuzz targets compare a split with is what the commit holds, not a
// list kept by hand.
//
//go:embed corpus/*/case.json
var embeddedCorpus embed.FS

func init() {
	sub, err := fs.Sub(embeddedCorpus, "corpus")
	if err != nil {
		panic(err) // "corpus" is a valid path: fs.Sub cannot fail on it
	}
	builtCorpus = sub
}
