package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/internal/specmod"
)

// FieldDoc is what the pinned runtime-spec says about one member of
// config.json: the bullet of the spec text that defines it and the schema
// fragment that constrains it. Either part may be missing; the spec text
// does not describe every member the schema has, nor the other way round.
type FieldDoc struct {
	// Pointer is the member asked for, a JSON pointer in which "*"
	// stands for any array index or map key. SpecPointer is the same
	// member as the schema spells it: a member named by specs-go's JSON
	// tag ("/vm/hwconfig") is the schema's member of that name in another
	// letter case ("/vm/hwConfig"), as the spec-names rule takes it.
	Pointer, SpecPointer string

	// TextFile is the spec's Markdown file (e.g. "config-windows.md"),
	// TextAnchor the anchor of the section holding the bullet, TextLine
	// its 1-based line number and Text the bullet with its continuation
	// lines, as written.
	TextFile   string
	TextAnchor string
	TextLine   int
	Text       string

	// SchemaFile is the schema file holding the member's definition,
	// relative to the module ("schema/config-windows.json"), SchemaPointer
	// where it is inside that file, Schema the fragment as written
	// (re-indented) and Resolved what its "$ref" points to, if it is one.
	SchemaFile    string
	SchemaPointer string
	Schema        string
	Resolved      string
	// Required is true when the member's parent lists it in "required".
	Required bool
}

// Lookup finds what the runtime-spec module in dir (specmod.Dir) says about
// the member at pointer. It follows "$ref" across the schema files and
// looks for the member's bullet in the spec's config*.md files.
func Lookup(dir, pointer string) (FieldDoc, error) {
	d := FieldDoc{Pointer: pointer, SpecPointer: pointer}
	tokens := specmod.SplitPointer(pointer)
	if err := lookupSchema(dir, tokens, &d); err != nil {
		return d, err
	}
	// The spec text names members as the schema does.
	tokens = specmod.SplitPointer(d.SpecPointer)
	if err := lookupText(dir, tokens, &d); err != nil {
		return d, err
	}
	return d, nil
}

// schemaNode is a schema fragment and where it is.
type schemaNode struct {
	file string // relative to the schema directory
	ptr  string // JSON pointer inside file
	raw  json.RawMessage
	// name is the member's name as the schema spells it, set by child
	// for a member of "properties".
	name string
}

type schemaReader struct {
	dir   string
	files map[string]json.RawMessage
}

func (r *schemaReader) load(file string) (json.RawMessage, error) {
	if b, ok := r.files[file]; ok {
		return b, nil
	}
	b, err := os.ReadFile(filepath.Join(r.dir, file))
	if err != nil {
		return nil, err
	}
	r.files[file] = b
	return b, nil
}

// at returns the fragment at the JSON pointer ptr of file.
func (r *schemaReader) at(file, ptr string) (schemaNode, error) {
	raw, err := r.load(file)
	if err != nil {
		return schemaNode{}, err
	}
	for _, tok := range specmod.SplitPointer(ptr) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			var arr []json.RawMessage
			i, aerr := strconv.Atoi(tok)
			if json.Unmarshal(raw, &arr) != nil || aerr != nil || i < 0 || i >= len(arr) {
				return schemaNode{}, fmt.Errorf("schema/%s: no %s", file, ptr)
			}
			raw = arr[i]
			continue
		}
		v, ok := obj[tok]
		if !ok {
			return schemaNode{}, fmt.Errorf("schema/%s: no %s", file, ptr)
		}
		raw = v
	}
	return schemaNode{file: file, ptr: ptr, raw: raw}, nil
}

func (r *schemaReader) object(n schemaNode) map[string]json.RawMessage {
	var obj map[string]json.RawMessage
	json.Unmarshal(n.raw, &obj)
	return obj
}

// deref follows n's "$ref" chain. The schema's own fragments such as
// "#definitions/uint32" (no slash) are read as JSON pointers, as
// gojsonschema and the spec's validate.go read them.
func (r *schemaReader) deref(n schemaNode) (schemaNode, error) {
	for range 16 {
		var ref string
		if obj := r.object(n); obj != nil {
			json.Unmarshal(obj["$ref"], &ref)
		}
		if ref == "" {
			return n, nil
		}
		file, frag, _ := strings.Cut(ref, "#")
		if file == "" {
			file = n.file
		}
		if frag != "" && !strings.HasPrefix(frag, "/") {
			frag = "/" + frag
		}
		next, err := r.at(file, frag)
		if err != nil {
			return n, err
		}
		n = next
	}
	return n, fmt.Errorf("schema/%s#%s: $ref chain too long", n.file, n.ptr)
}

// child finds the schema of member tok of n (already dereferenced), and
// whether n requires it.
func (r *schemaReader) child(n schemaNode, tok string) (schemaNode, bool, bool) {
	obj := r.object(n)
	if obj == nil {
		return schemaNode{}, false, false
	}
	var required []string
	json.Unmarshal(obj["required"], &required)
	var props map[string]json.RawMessage
	if json.Unmarshal(obj["properties"], &props) == nil {
		name, ok := tok, false
		if _, ok = props[tok]; !ok {
			name, ok = harness.SpecName(tok, maps.Keys(props))
		}
		if ok {
			return schemaNode{n.file, n.ptr + "/properties/" + escape(name), props[name], name}, slices.Contains(required, name), true
		}
	}
	var pats map[string]json.RawMessage
	if json.Unmarshal(obj["patternProperties"], &pats) == nil {
		keys := make([]string, 0, len(pats))
		for k := range pats {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if re, err := regexp.Compile(k); err == nil && (tok == "*" || re.MatchString(tok)) {
				return schemaNode{file: n.file, ptr: n.ptr + "/patternProperties/" + escape(k), raw: pats[k]}, false, true
			}
		}
	}
	if ap, ok := obj["additionalProperties"]; ok && bytes.HasPrefix(bytes.TrimSpace(ap), []byte("{")) {
		return schemaNode{file: n.file, ptr: n.ptr + "/additionalProperties", raw: ap}, false, true
	}
	if it, ok := obj["items"]; ok {
		it = bytes.TrimSpace(it)
		if bytes.HasPrefix(it, []byte("{")) {
			return schemaNode{file: n.file, ptr: n.ptr + "/items", raw: it}, false, true
		}
		var tuple []json.RawMessage
		if json.Unmarshal(it, &tuple) == nil && len(tuple) > 0 {
			i, err := strconv.Atoi(tok)
			if err != nil || i >= len(tuple) {
				i = 0
			}
			return schemaNode{file: n.file, ptr: fmt.Sprintf("%s/items/%d", n.ptr, i), raw: tuple[i]}, false, true
		}
	}
	for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
		var branches []json.RawMessage
		if json.Unmarshal(obj[kw], &branches) != nil {
			continue
		}
		for i, b := range branches {
			bn, err := r.deref(schemaNode{file: n.file, ptr: fmt.Sprintf("%s/%s/%d", n.ptr, kw, i), raw: b})
			if err != nil {
				continue
			}
			if c, req, ok := r.child(bn, tok); ok {
				return c, req || slices.Contains(required, tok), true
			}
		}
	}
	return schemaNode{}, false, false
}

func escape(tok string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok) }

func lookupSchema(dir string, tokens []string, d *FieldDoc) error {
	r := &schemaReader{dir: filepath.Join(dir, "schema"), files: map[string]json.RawMessage{}}
	n, err := r.at("config-schema.json", "")
	if err != nil {
		return fmt.Errorf("report: reading the spec's schema: %w", err)
	}
	var found schemaNode
	required := false
	spelled := make([]string, len(tokens))
	for i, tok := range tokens {
		if n, err = r.deref(n); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		c, req, ok := r.child(n, tok)
		if !ok {
			return nil // the schema does not describe this member
		}
		found, required, n = c, req, c
		spelled[i] = cmp.Or(c.name, tok)
	}
	if found.raw == nil {
		return nil
	}
	d.SpecPointer = ""
	for _, tok := range spelled {
		d.SpecPointer += "/" + escape(tok)
	}
	d.SchemaFile = "schema/" + found.file
	d.SchemaPointer = found.ptr
	d.Schema = indent(found.raw)
	d.Required = required
	if res, err := r.deref(found); err == nil && (res.ptr != found.ptr || res.file != found.file) {
		d.Resolved = fmt.Sprintf("schema/%s#%s: %s", res.file, res.ptr, indent(res.raw))
	}
	return nil
}

func indent(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}

// platformFile is the spec file that describes a top-level platform member.
var platformFile = map[string]string{
	"linux": "config-linux.md", "windows": "config-windows.md", "solaris": "config-solaris.md",
	"vm": "config-vm.md", "zos": "config-zos.md", "freebsd": "config-freebsd.md",
}

var (
	heading   = regexp.MustCompile(`^#+\s+(?:<a name="([^"]+)"\s*/?>\s*(?:</a>)?)?(.*)$`)
	bulletFor = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`^(\s*)(?:[*-]\s+)?\*\*` + "`" + regexp.QuoteMeta(name) + "`" + `\*\*`)
	}
)

type mdLine struct {
	text   string
	indent int
	anchor string // anchor of the section the line is in
}

// lookupText finds the bullet that defines the last named member of
// tokens. Among several bullets of that name it prefers the platform's
// file and the bullet whose enclosing bullets and section name the
// member's parents.
func lookupText(dir string, tokens []string, d *FieldDoc) error {
	var names []string
	for _, t := range tokens {
		if t != "*" && !isDigits(t) {
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		return nil
	}
	name := names[len(names)-1]
	parents := names[:len(names)-1]
	files, err := filepath.Glob(filepath.Join(dir, "config*.md"))
	if err != nil {
		return err
	}
	slices.Sort(files)
	bullet := bulletFor(name)
	best, bestScore := -1, -1
	var bestFile string
	var bestLines []mdLine
	for _, f := range files {
		lines, err := readMarkdown(f)
		if err != nil {
			return fmt.Errorf("report: reading the spec text: %w", err)
		}
		base := filepath.Base(f)
		for i, l := range lines {
			if !bullet.MatchString(l.text) {
				continue
			}
			score := 0
			if len(tokens) > 0 && platformFile[tokens[0]] == base {
				score += 4
			} else if len(tokens) > 0 && platformFile[tokens[0]] == "" && base == "config.md" {
				score += 2
			}
			ctx := context(lines, i)
			for _, p := range parents {
				if strings.Contains(ctx, "`"+p+"`") || strings.Contains(strings.ToLower(ctx), strings.ToLower(p)) {
					score++
				}
			}
			if score > bestScore {
				best, bestScore, bestFile, bestLines = i, score, base, lines
			}
		}
	}
	if best < 0 {
		return nil
	}
	text := definition(bestLines, best)
	d.TextFile, d.TextAnchor, d.TextLine, d.Text = bestFile, bestLines[best].anchor, best+1, strings.Join(text, "\n")
	return nil
}

// maxDefinition bounds the lines quoted for one member.
const maxDefinition = 24

// definition returns the whole definition of the member whose bullet is
// line i: the bullet with its continuation lines and nested bullets, and,
// for a member defined by a paragraph of its own (config.md's
// annotations), the paragraphs that follow it up to the next heading,
// member, table or example, where the MUST sentences about the member
// are ("Keys MUST NOT be an empty string"). Nested lines keep their
// indentation relative to the bullet.
func definition(lines []mdLine, i int) []string {
	first := lines[i]
	t0 := strings.TrimSpace(first.text)
	listItem := strings.HasPrefix(t0, "* ") || strings.HasPrefix(t0, "- ")
	text := []string{t0}
	stop := func(l mdLine) bool {
		t := strings.TrimSpace(l.text)
		return strings.HasPrefix(t, "#") || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "|") ||
			memberBullet.MatchString(l.text) && l.indent <= first.indent ||
			listItem && (strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "- ")) && l.indent <= first.indent
	}
	for j := i + 1; j < len(lines) && len(text) < maxDefinition; j++ {
		l := lines[j]
		if strings.TrimSpace(l.text) == "" {
			k := j + 1
			for k < len(lines) && strings.TrimSpace(lines[k].text) == "" {
				k++
			}
			// A list item ends at a blank line unless what follows is
			// indented under it; a paragraph definition goes on.
			if k >= len(lines) || stop(lines[k]) || listItem && lines[k].indent <= first.indent {
				break
			}
			text = append(text, "")
			j = k - 1
			continue
		}
		if stop(l) {
			break
		}
		text = append(text, strings.Repeat(" ", max(0, l.indent-first.indent))+strings.TrimSpace(l.text))
	}
	// A sentence that introduces what was left out ("The following keys
	// MAY be used:") is dropped with it.
	for len(text) > 1 && (text[len(text)-1] == "" || strings.HasSuffix(text[len(text)-1], ":")) {
		text = text[:len(text)-1]
	}
	return text
}

// memberBullet is a line that defines a member: **`name`** at its start.
var memberBullet = regexp.MustCompile("^\\s*(?:[*-]\\s+)?\\*\\*`[^`]+`\\*\\*")

// context is the text that encloses line i: the bullets above it with less
// indentation, up to and including its section heading.
func context(lines []mdLine, i int) string {
	var b strings.Builder
	ind := lines[i].indent
	for j := i - 1; j >= 0; j-- {
		t := lines[j].text
		if strings.HasPrefix(t, "#") {
			b.WriteString(t)
			break
		}
		if strings.TrimSpace(t) != "" && lines[j].indent < ind {
			b.WriteString(t + "\n")
			ind = lines[j].indent
		}
	}
	return b.String()
}

func readMarkdown(path string) ([]mdLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []mdLine
	anchor := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		t := sc.Text()
		if m := heading.FindStringSubmatch(t); m != nil {
			anchor = m[1]
			if anchor == "" {
				anchor = githubSlug(m[2])
			}
		}
		lines = append(lines, mdLine{t, len(t) - len(strings.TrimLeft(t, " \t")), anchor})
	}
	return lines, sc.Err()
}

// githubSlug is the anchor GitHub gives a heading: lower case, spaces as
// dashes, punctuation dropped.
func githubSlug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ' || r == '-':
			b.WriteByte('-')
		case r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// glossaryJSON is what the spec says of every configuration's JSON: the
// glossary's "JSON" section, with its links made absolute under base.
func glossaryJSON(dir, base string) (string, error) {
	lines, err := readMarkdown(filepath.Join(dir, "glossary.md"))
	if err != nil {
		return "", fmt.Errorf("report: reading the spec's glossary: %w", err)
	}
	var text []string
	for i, l := range lines {
		if l.anchor != "glossaryJson" || strings.HasPrefix(l.text, "#") {
			continue
		}
		if i > 0 && strings.HasPrefix(lines[i-1].text, "#") && strings.TrimSpace(l.text) == "" {
			continue
		}
		text = append(text, l.text)
	}
	for len(text) > 0 && strings.TrimSpace(text[len(text)-1]) == "" {
		text = text[:len(text)-1]
	}
	if len(text) == 0 {
		return "", fmt.Errorf("report: the spec's glossary.md has no JSON section (glossaryJson)")
	}
	refs, err := linkRefs(filepath.Join(dir, "glossary.md"))
	if err != nil {
		return "", err
	}
	return absLinks(strings.Join(text, "\n"), "glossary.md", base, refs), nil
}

// linkDef is a Markdown link reference definition: "[name]: url".
var linkDef = regexp.MustCompile(`^\[([^\]^]+)\]:\s*(\S+)`)

// linkRefs reads the link reference definitions of a Markdown file, by
// lower-case name.
func linkRefs(file string) (map[string]string, error) {
	lines, err := readMarkdown(file)
	if err != nil {
		return nil, fmt.Errorf("report: reading the spec text: %w", err)
	}
	refs := map[string]string{}
	for _, l := range lines {
		if m := linkDef.FindStringSubmatch(l.text); m != nil {
			refs[strings.ToLower(m[1])] = m[2]
		}
	}
	return refs, nil
}

var (
	inlineLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	refLink    = regexp.MustCompile(`\[([^\]]+)\]\[([^\]]*)\]`)
)

// absLinks makes the links of text, quoted from the spec's file, lead
// somewhere from a tracker: a relative link goes to the spec at base (the
// tree at the pinned version), a reference link becomes the inline link
// its definition in refs names, or plain text when there is none (a
// footnote, say).
func absLinks(text, file, base string, refs map[string]string) string {
	abs := func(u string) string {
		switch {
		case strings.Contains(u, "://"):
			return u
		case strings.HasPrefix(u, "#"):
			return base + file + u
		}
		return base + strings.TrimPrefix(u, "./")
	}
	text = refLink.ReplaceAllStringFunc(text, func(m string) string {
		sm := refLink.FindStringSubmatch(m)
		name := sm[2]
		if name == "" {
			name = sm[1]
		}
		if u, ok := refs[strings.ToLower(name)]; ok {
			return "[" + sm[1] + "](" + abs(u) + ")"
		}
		return sm[1]
	})
	return inlineLink.ReplaceAllStringFunc(text, func(m string) string {
		return "](" + abs(inlineLink.FindStringSubmatch(m)[1]) + ")"
	})
}
