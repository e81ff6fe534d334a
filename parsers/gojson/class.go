package gojson

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

// quotedChar matches the offending character that Go's JSON scanners echo,
// as in "invalid character 'x' looking for beginning of value".
var quotedChar = regexp.MustCompile(`'(?:[^'\\]|\\[^']*)'`)

// classifyV1 classes an encoding/json error. Its type errors name the Go
// struct, the dotted field path (without indices or map keys) and the Go
// type, "json: cannot unmarshal string into Go struct field
// Windows.windows.layerFolders of type []string", and parsers.Classify
// keeps all three: they are what tells one cause from another.
func classifyV1(err error) string {
	return parsers.Classify(quotedChar.ReplaceAllString(err.Error(), "'…'"))
}

// within matches the JSON pointer that v2 errors quote, as in
// `within "/mounts/0/options"`.
var within = regexp.MustCompile(`within "(?:[^"\\]|\\.)*"`)

// classifyV2 classes a go-json-experiment error. Its messages quote a JSON
// pointer with indices and map keys, which parsers.Classify would blank out
// whole; here the pointer becomes its pattern (specmod.Pattern, e.g.
// /linux/netDevices/*/name) so the class keeps the place.
func classifyV2(err error) string {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) && syn.Err != nil {
		// A cause at the level of JSON syntax (a duplicate name, invalid
		// UTF-8, a lone surrogate) is the same cause wherever in the
		// document it sits, so its class names no place.
		return "jsontext: " + parsers.Classify(quotedChar.ReplaceAllString(syn.Err.Error(), "'…'"))
	}
	var ptr jsontext.Pointer
	var sem *jsonv2.SemanticError
	if errors.As(err, &sem) {
		ptr = sem.JSONPointer
	}
	msg := within.ReplaceAllStringFunc(err.Error(), func(m string) string {
		s, uerr := strconv.Unquote(m[len("within "):])
		p := jsontext.Pointer(s)
		if uerr != nil || !p.IsValid() || len(s) >= 100 || strings.Contains(s, "…") {
			// Unreadable, or shortened by the library for display: use
			// the error's own, whole pointer.
			p = ptr
		}
		return "within " + pattern(p)
	})
	return parsers.Classify(quotedChar.ReplaceAllString(msg, "'…'"))
}

func pattern(p jsontext.Pointer) string {
	var toks []string
	for t := range p.Tokens() {
		toks = append(toks, t)
	}
	return specmod.Pattern(toks)
}
