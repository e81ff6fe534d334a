package main

import (
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/harness/triage"
)

// TestWorkflowCommandEscaping: a file name or a message can hold what
// would end a workflow command early (a newline) or a property (a colon
// or comma), and a % that GitHub would read as an escape.
func TestWorkflowCommandEscaping(t *testing.T) {
	for _, tc := range []struct{ in, data, property string }{
		{"plain/config.json", "plain/config.json", "plain/config.json"},
		{"a,b:c.json", "a,b:c.json", "a%2Cb%3Ac.json"},
		{"100%\r\nnext", "100%25%0D%0Anext", "100%25%0D%0Anext"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	} {
		if got := commandData(tc.in); got != tc.data {
			t.Errorf("commandData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := commandProperty(tc.in); got != tc.property {
			t.Errorf("commandProperty(%q) = %q, want %q", tc.in, got, tc.property)
		}
	}
}

func TestAllowList(t *testing.T) {
	anns := []triage.Annotation{{ID: "layerfolders-null"}, {ID: "duplicate-names"}}
	for _, tc := range []struct {
		text string
		anns []triage.Annotation
		want string // the ids joined by spaces, or the error
	}{
		{"", anns, ""},
		{"layerfolders-null", anns, "layerfolders-null"},
		{"layerFolders-null,\n duplicate-names\t", anns, "layerfolders-null duplicate-names"},
		{"layerfolders-null, no-such-family", anns, "-allow no-such-family: no family of that id in the triage notes"},
		{"layerfolders-null", nil, "-allow layerfolders-null: there are no triage notes to name families (-annotations FILE)"},
	} {
		ids, err := allowList(tc.text, tc.anns)
		got := strings.Join(ids, " ")
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("allowList(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
