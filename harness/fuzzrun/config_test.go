package fuzzrun

import (
	"strings"
	"testing"
	"time"
)

func TestConfigRoundTrip(t *testing.T) {
	for _, c := range []Config{
		{},
		{Corpus: "/a dir/with spaces", Judges: "all"},
		{FailOnNew: true, MinBudget: 7, RecordLimit: 1500 * time.Millisecond},
	} {
		env := c.Env()
		s, ok := strings.CutPrefix(env, EnvVar+"=")
		if !ok {
			t.Fatalf("Env() = %q, want %s=…", env, EnvVar)
		}
		got, err := ParseConfig(s)
		if err != nil || got != c {
			t.Errorf("ParseConfig(%s) = %+v, %v; want %+v", s, got, err, c)
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"failsOnNew":true}`, "unknown field"},
		{`{"recordLimit":"5"}`, `recordLimit "5"`},
		{`{"recordLimit":"-1s"}`, "not a positive duration"},
		{`{"minBudget":-1}`, "not a count"},
		{`{"judges":"all"} {}`, "data after"},
		{`judges=all`, EnvVar},
	} {
		if _, err := ParseConfig(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseConfig(%s) error = %v, want one containing %q", tc.in, err, tc.want)
		}
	}
}
