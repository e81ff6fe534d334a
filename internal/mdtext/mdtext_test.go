package mdtext

import "testing"

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"go/unmarshal and go/decoder accept a config that both schema validators reject", 40, "go/unmarshal and go/decoder accept a …"},
		{"/windows/layerFolders/*/very/long/path/without/spaces", 20, "/windows/layerFolde…"},
		{"a, b; c (d e", 9, "a, b; c …"},
	} {
		if got := Cut(tc.in, tc.n); got != tc.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"ok\ttab\nline":       "ok\ttab\nline",
		"bad \xff byte":       `bad \xff byte`,
		"nul \x00 and \u2028": `nul \u0000 and \u2028`,
		"bom \ufeff":          `bom \ufeff`,
		"é and ✓":             "é and ✓",
	} {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscapeAndCode(t *testing.T) {
	if got, want := Escape("/process/args/* as a_b [x] <y>"), `/process/args/\* as a\_b \[x\] &lt;y&gt;`; got != want {
		t.Errorf("Escape = %q, want %q", got, want)
	}
	if got, want := Code("a`b"), "`` a`b ``"; got != want {
		t.Errorf("Code = %q, want %q", got, want)
	}
	if got, want := Cell("x | y\n`z`"), `x \| y 'z'`; got != want {
		t.Errorf("Cell = %q, want %q", got, want)
	}
}
