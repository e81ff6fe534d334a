// Package mdtext holds the few text operations that Markdown written for an
// issue tracker needs: cutting text without breaking a token, and escaping
// what Markdown would otherwise read as markup.
package mdtext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cut shortens s to at most n runes, ending with "…". It cuts at the last
// space before the limit, so that a title never ends inside a word, a path
// or a quoted name; only a single token longer than n is cut inside.
func Cut(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	head := rs[:n-1]
	for i := len(head) - 1; i > n/2; i-- {
		if unicode.IsSpace(head[i]) {
			return strings.TrimRightFunc(string(head[:i]), func(r rune) bool {
				return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':' || r == '('
			}) + " …"
		}
	}
	return string(head) + "…"
}

// OneLine folds every run of white space in s, newlines included, into one
// space.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Escape escapes the characters that Markdown reads as emphasis, links or
// HTML outside code spans: a JSON pointer such as /linux/*/a_b must show as
// written.
func Escape(s string) string {
	return markup.Replace(s)
}

var markup = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "|", `\|`)

// Cell is s made safe for a table cell: on one line, with no "|" that would
// end the cell, and no backquote or angle bracket that would start code or
// HTML.
func Cell(s string) string {
	return cell.Replace(Visible(OneLine(s)))
}

var cell = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "`", "'", "*", `\*`, "_", `\_`)

// Code is s as an inline code span: backquotes in s become a longer
// delimiter, as CommonMark allows, so that s shows byte for byte.
func Code(s string) string {
	s = Visible(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || len(fence) > 1 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// Fence is a code fence longer than any run of backquotes in s.
func Fence(s string) string {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence
}

// Visible is s with every byte that is not UTF-8 written as \xNN and
// every control character but tab and newline, and every invisible format character (NUL, U+2028, a BOM), as
// \uNNNN, so that what a tracker shows is what the judges read, and no raw
// invalid UTF-8 reaches a page that would replace it silently.
func Visible(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
