package fuzzrun

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// EnvVar is the one environment variable that configures the fuzz
// targets: `go test -fuzz` takes no flags of a test's own, so `ocidiff
// fuzz` (and a person running go test by hand) passes a Config in it, as
// JSON.
const EnvVar = "OCIDIFF_FUZZ"

// Config is how a fuzz run is set up. The zero value is the default run:
// the corpus/ directory beside the tests, the default judges (or those a
// packaged fuzzer names beside its binary), new causes recorded without
// failing the run, the recorder's own budget and time limit.
type Config struct {
	// Corpus is the corpus directory.
	Corpus string
	// Judges selects the judges, as `ocidiff check -judges` does.
	Judges string
	// FailOnNew makes a new cause fail the run, for CI, once it is
	// recorded.
	FailOnNew bool
	// MinBudget is how many judge calls one minimization may make; 0
	// leaves the recorder's default.
	MinBudget int
	// RecordLimit is how long one input may spend being recorded before
	// it is deferred to the pending inputs; 0 leaves the target's default.
	RecordLimit time.Duration
}

// config is Config as JSON: a duration is written as Go writes one.
type config struct {
	Corpus      string `json:"corpus,omitempty"`
	Judges      string `json:"judges,omitempty"`
	FailOnNew   bool   `json:"failOnNew,omitempty"`
	MinBudget   int    `json:"minBudget,omitempty"`
	RecordLimit string `json:"recordLimit,omitempty"`
}

// Env returns c as an environment entry, EnvVar=JSON.
func (c Config) Env() string {
	j := config{Corpus: c.Corpus, Judges: c.Judges, FailOnNew: c.FailOnNew, MinBudget: c.MinBudget}
	if c.RecordLimit != 0 {
		j.RecordLimit = c.RecordLimit.String()
	}
	b, err := json.Marshal(j)
	if err != nil {
		panic(err) // strings, a bool and an int always marshal
	}
	return EnvVar + "=" + string(b)
}

// ParseConfig reads a Config from the JSON that Env writes. Unknown
// members are errors: a misspelt "failOnNew" must not quietly leave a CI
// run unable to fail.
func ParseConfig(s string) (Config, error) {
	if s == "" {
		return Config{}, nil
	}
	var j config
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.DisallowUnknownFields()
	if err := d.Decode(&j); err != nil {
		return Config{}, fmt.Errorf("%s=%s: %w", EnvVar, s, err)
	}
	if d.More() {
		return Config{}, fmt.Errorf("%s=%s: data after the configuration", EnvVar, s)
	}
	c := Config{Corpus: j.Corpus, Judges: j.Judges, FailOnNew: j.FailOnNew, MinBudget: j.MinBudget}
	if c.MinBudget < 0 {
		return Config{}, fmt.Errorf("%s: minBudget %d is not a count", EnvVar, c.MinBudget)
	}
	if j.RecordLimit != "" {
		d, err := time.ParseDuration(j.RecordLimit)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("%s: recordLimit %q is not a positive duration", EnvVar, j.RecordLimit)
		}
		c.RecordLimit = d
	}
	return c, nil
}

// ConfigFromEnv reads the Config in $OCIDIFF_FUZZ.
func ConfigFromEnv() (Config, error) { return ParseConfig(os.Getenv(EnvVar)) }
