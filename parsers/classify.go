package parsers

import (
	"regexp"
	"strings"

	"github.com/ocidiff/ocidiff/internal/memo"
)

// Classify turns a judge's error text into an error class: the same cause
// gives the same class whatever the input, so that signatures built from
// classes deduplicate findings. It removes what varies with the input
// (positions, echoed strings and numbers) and keeps the words and the field
// names the library chose, which are what tells one cause from another.
//
// Judges whose errors are structured (a schema validator that knows the
// keyword and the instance location) build a sharper class themselves.
func Classify(msg string) string {
	// The first line names the cause; what follows (yajl's excerpt of the
	// input with a "(right here) ------^" marker, a child's stderr) is
	// context that varies with the input.
	s, _, _ := strings.Cut(msg, "\n")
	// A check classes every refusal, and a fuzzing run meets the same
	// texts over and over: a dozen regular expressions per text were a
	// tenth of a check's time.
	return classes.Get(s)
}

// classes memoizes classify, which is a pure function of the first line;
// fuzzing makes texts without end, so it is bounded.
var classes = memo.New(1<<14, classify)

func classify(s string) string { return classifyGated(s, true) }

// classifyGated is classify with each rule's gate heeded or not: a gate
// only skips a rule that could not match, which TestClassifyGates holds
// it to on every error text of the corpus. A fuzzing run classes texts
// the memo has not seen (they echo the input), and a dozen regular
// expressions scanning each one were a twentieth of the loop.
func classifyGated(s string, gated bool) string {
	for _, r := range classifyRules {
		if gated && !r.gate(s) {
			continue
		}
		if r.fn != nil {
			s = r.re.ReplaceAllStringFunc(s, r.fn)
		} else {
			s = r.re.ReplaceAllString(s, r.repl)
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > MaxClass {
		s = s[:MaxClass]
	}
	return s
}

// MaxClass is the longest error class Classify returns; a longer one is
// cut there, and ShowClass marks the cut for a reader.
const MaxClass = 200

// ShowClass is class as a reader should see it: a class Classify cut (a
// serde error listing every variant) ends with "…" rather than mid-word.
// The class itself stays as cut: causes are keyed by it.
func ShowClass(class string) string {
	if len(class) == MaxClass {
		return class + "…"
	}
	return class
}

var identifier = regexp.MustCompile("^`[A-Za-z_][A-Za-z0-9_]{0,63}`$")

// has and hasDigit are the rules' gates: what a text must hold for the
// rule's expression to match in it.
func has(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

var classifyRules = []struct {
	gate func(string) bool
	re   *regexp.Regexp
	repl string
	fn   func(string) string // replaces repl when set
}{
	// serde_json: "... at line 1 column 45"; yajl and others: "line 3", "offset 17".
	{gate: hasDigit, re: regexp.MustCompile(`(?i)\bat line \d+ column \d+`), repl: ""},
	{gate: hasDigit, re: regexp.MustCompile(`(?i)\b(line|column|col|offset|position|byte|char(acter)?)\s*:?\s*\d+`), repl: "$1 N"},
	// Type errors name the kind of value the input held, which varies with
	// the input while the cause (this field does not take that) does not:
	// encoding/json "cannot unmarshal bool into", json/v2 "cannot (or
	// unable to) unmarshal JSON boolean into", serde "invalid type:
	// boolean `true`, expected". A null stays: how a reader treats null
	// (as absent, or as a value of the wrong type) is a cause of its own.
	{gate: has("unmarshal"), re: regexp.MustCompile(`(?:cannot|unable to) unmarshal (?:JSON )?(?:bool(?:ean)?|number(?: -?[\d.eE+-]+)?|string|array|object)(?: value)? into`), repl: "cannot unmarshal … into"},
	{gate: has("invalid type: "), re: regexp.MustCompile("invalid type: (?:boolean `[^`]*`|integer `[^`]*`|floating point `[^`]*`|string \"(?:[^\"\\\\]|\\\\.)*\"|map|sequence|unit value|newtype struct|enum|char [^,]*|byte array|unit variant|tuple variant|struct variant|newtype variant)"), repl: "invalid type: …"},
	// serde names the Rust struct it expected ("expected struct
	// LinuxMemory"), which is the member's type: like encoding/json's
	// field name it says where, not what. Kept, every struct a fuzzer
	// reaches with the same wrong value was a cause of its own.
	{gate: has("expected struct "), re: regexp.MustCompile(`expected struct \w+`), repl: "expected struct …"},
	// oci-spec-rs echoes a capability name it does not know:
	// "no variant for CAP_FOO (converted to FOO)".
	{gate: has("no variant for "), re: regexp.MustCompile(`no variant for .*? \(converted to .*?\)`), repl: "no variant for … (converted to …)"},
	// Echoed values: quoted strings (with escapes) and backquoted ones.
	{gate: has(`"`), re: regexp.MustCompile(`"(?:[^"\\]|\\.)*"`), repl: `"…"`},
	// serde names the field it wanted in backquotes (missing field
	// `layerFolders`): that is the library's word and tells causes apart.
	// What follows "unknown variant" or "unknown field" is the input's.
	// A duplicate member is a cause at the level of JSON syntax, the same
	// whichever field is repeated.
	{gate: has("`"), re: regexp.MustCompile("(unknown (?:variant|field)|duplicate field) `[^`]*`"), repl: "$1 `…`"},
	{gate: has("`"), re: regexp.MustCompile("`[^`]*`"), fn: func(q string) string {
		if identifier.MatchString(q) {
			return q
		}
		return "`…`"
	}},
	// Array indices inside paths: layerFolders[3], /mounts/0/ -> placeholders.
	{gate: has("["), re: regexp.MustCompile(`\[\d+\]`), repl: "[*]"},
	{gate: has("/"), re: regexp.MustCompile(`/\d+(/|$|\s)`), repl: "/*$1"},
	// Remaining numbers that are not part of an identifier (u32, int64,
	// v2 and UTF-8 stay).
	{gate: hasDigit, re: regexp.MustCompile(`(^|[^\w.-])-?\d+(\.\d+)?([eE][-+]?\d+)?\b`), repl: "${1}N"},
}
