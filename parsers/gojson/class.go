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
	var ptr jsontext.Pointer
	var syn *jsontext.SyntacticError
	var sem *jsonv2.SemanticError
	switch {
	case errors.As(err, &syn):
		ptr = syn.JSONPointer
	case errors.As(err, &sem):
		ptr = sem.JSONPointer
	}
	if errors.Is(err, jsontext.ErrDuplicateName) {
		// The message echoes the name and the parent; the pattern of the
		// full pointer keeps the name if it is a field, not if a map key.
		return "jsontext: duplicate object member name at " + pattern(ptr)
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
