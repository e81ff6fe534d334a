package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/gen"
	"github.com/ocidiff/ocidiff/internal/modroot"
)

// runCoverage reports which members of the spec, and in which forms, the
// documents of a corpus and of Go's fuzz cache exercise.
func runCoverage(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON, with every member's forms")
	dir := fs.String("corpus", "", "corpus directory (default: corpus/ in the ocidiff checkout; - for none)")
	cache := fs.String("cache", "", "Go fuzz cache directory holding one directory per target (default: $(go env GOCACHE)/fuzz/"+modulePath+"; - for none)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ocidiff coverage [-json] [-corpus DIR] [-cache DIR]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "ocidiff coverage: "+format+"\n", a...)
		return exitUsage
	}
	if *dir == "" {
		root, err := modroot.FromWorkingDir()
		if err != nil {
			return fail("no -corpus given and no ocidiff checkout here: %v", err)
		}
		*dir = filepath.Join(root, "corpus")
	}
	if *cache == "" {
		out, err := exec.Command("go", "env", "GOCACHE").Output()
		if err != nil {
			return fail("finding the Go fuzz cache (go env GOCACHE): %v; give -cache", err)
		}
		*cache = filepath.Join(strings.TrimSpace(string(out)), "fuzz", filepath.FromSlash(modulePath))
	}
	var out struct {
		Corpus    *gen.Report `json:"corpus,omitempty"`
		FuzzCache *gen.Report `json:"fuzzCache,omitempty"`
		// Writer is what FuzzGoWriter's cached inputs left specs-go's
		// fields as, before encoding/json wrote them.
		Writer *gen.GoReachReport `json:"writer,omitempty"`
	}
	if *dir != "-" {
		c, err := corpusCoverage(*dir)
		if err != nil {
			return fail("%v", err)
		}
		r := c.Report(*asJSON)
		out.Corpus = &r
	}
	if *cache != "-" {
		c, w, err := cacheCoverage(*cache)
		if err != nil {
			return fail("%v", err)
		}
		r := c.Report(*asJSON)
		out.FuzzCache = &r
		wr := w.Report()
		out.Writer = &wr
	}
	if *asJSON {
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
		return exitAgree
	}
	if out.Corpus != nil {
		fmt.Fprintf(stdout, "corpus %s (original and minimized inputs):\n", *dir)
		out.Corpus.Print(stdout)
	}
	if out.FuzzCache != nil {
		fmt.Fprintf(stdout, "fuzz cache %s (each input as its target's generator builds it):\n", *cache)
		out.FuzzCache.Print(stdout)
		out.Writer.Print(stdout)
	}
	return exitAgree
}

// modulePath is the module go test -fuzz caches this repository's inputs
// under.
const modulePath = "github.com/ocidiff/ocidiff"

// corpusCoverage classifies every case's minimized and original input.
func corpusCoverage(dir string) (*gen.Coverage, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	store, err := corpus.Open(dir)
	if err != nil {
		return nil, err
	}
	cases, err := store.Cases()
	if err != nil {
		return nil, err
	}
	c, err := gen.NewCoverage()
	if err != nil {
		return nil, err
	}
	for _, k := range cases {
		c.Add(k.Input)
		if k.Original != nil {
			c.Add(k.Original)
		}
	}
	return c, nil
}

// cacheCoverage classifies what each fuzz target built from the inputs in
// Go's fuzz cache (one directory per target), and counts the Go forms of
// the values the writer's target built. A missing cache is empty.
func cacheCoverage(dir string) (*gen.Coverage, *gen.GoReach, error) {
	c, err := gen.NewCoverage()
	if err != nil {
		return nil, nil, err
	}
	w, err := gen.NewGoReach()
	if err != nil {
		return nil, nil, err
	}
	for _, target := range fuzzTargets {
		tdir := filepath.Join(dir, target.name)
		entries, err := os.ReadDir(tdir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, nil, err
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			name := filepath.Join(tdir, e.Name())
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, nil, err
			}
			data, err := fuzzCacheInput(b)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", name, err)
			}
			if target.goBuilt {
				// One build, counted for the writer's reach and
				// judged as the document the target judged.
				c.Add(writeGo(w.Add(data)))
			} else {
				c.Add(target.build(data))
			}
		}
	}
	return c, w, nil
}

// fuzzCacheInput reads one file of Go's fuzz corpus format for a target
// with one []byte argument: "go test fuzz v1" and a line []byte("...").
func fuzzCacheInput(b []byte) ([]byte, error) {
	header, rest, _ := bytes.Cut(b, []byte("\n"))
	if string(header) != "go test fuzz v1" {
		return nil, errors.New(`not a Go fuzz input (no "go test fuzz v1" line)`)
	}
	line := strings.TrimSpace(string(rest))
	lit, prefixed := strings.CutPrefix(line, "[]byte(")
	lit, closed := strings.CutSuffix(lit, ")")
	if !prefixed || !closed {
		return nil, errors.New("not one []byte(...) value")
	}
	s, err := strconv.Unquote(lit)
	if err != nil {
		return nil, fmt.Errorf("the []byte value: %w", err)
	}
	return []byte(s), nil
}
