package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/harness/minimize/jsontree"
)

// Coverage counts which members of the spec a set of documents exercised,
// and in which forms, recognized from the documents' bytes: the same
// names the generator gives its forms, so a run, a corpus and the fuzz
// cache are measured alike, whichever generator made them.
type Coverage struct {
	md   *Model
	docs int
	seen map[*Member]map[string]int
}

// CoverageKind names the files in which fuzz workers save their Coverage
// (corpus.Store.SaveWorkerData).
const CoverageKind = "coverage"

// NewCoverage returns an empty Coverage over the vocabulary of Load.
func NewCoverage() (*Coverage, error) {
	md, err := Load()
	if err != nil {
		return nil, err
	}
	return &Coverage{md: md, seen: map[*Member]map[string]int{}}, nil
}

// Add classifies one document. A document that is not a JSON tree (the raw
// generator's broken ones) exercises nothing and reports false.
func (c *Coverage) Add(doc []byte) bool {
	n, err := jsontree.Parse(bytes.TrimPrefix(doc, []byte("\ufeff")))
	if err != nil {
		return false
	}
	c.docs++
	c.walk(c.md.Root, n)
	return true
}

func (c *Coverage) note(m *Member, form string) {
	f := c.seen[m]
	if f == nil {
		f = map[string]int{}
		c.seen[m] = f
	}
	f[form]++
}

func unquote(raw []byte) string {
	if len(raw) >= 2 && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(bytes.Trim(raw, `"`))
	}
	return s
}

func (c *Coverage) walk(m *Member, n *jsontree.Node) {
	if m != c.md.Root {
		for _, f := range valueForms(m, n) {
			c.note(m, f)
		}
	}
	switch n.Kind {
	case jsontree.Array:
		if m.item != nil {
			for _, e := range n.Elems {
				c.walk(m.item, e)
			}
		}
	case jsontree.Object:
		keys := make([]string, len(n.Members))
		count := map[string]int{}
		for i, mem := range n.Members {
			keys[i] = unquote(mem.Key)
			count[keys[i]]++
		}
		for i, mem := range n.Members {
			child, extra := m.childFor(keys[i])
			if child == nil {
				continue
			}
			if extra != "" {
				c.note(child, extra)
			}
			if count[keys[i]] > 1 && !child.Element() {
				c.note(child, formTwice)
			}
			c.walk(child, mem.Value)
		}
		for _, ch := range m.children {
			if ch.Required && count[ch.Name] == 0 {
				c.note(ch, formAbsent)
			}
		}
	}
}

// childFor finds the member a key names the way encoding/json would: by
// the exact name (the schema's or specs-go's), else in another letter
// case; else, in a map, the map's value.
func (m *Member) childFor(key string) (*Member, string) {
	if ch := m.byName[key]; ch != nil {
		if key == ch.GoName && ch.GoName != ch.Name {
			return ch, formGoName
		}
		return ch, ""
	}
	for _, ch := range m.children {
		if !ch.Element() && (strings.EqualFold(key, ch.Name) || strings.EqualFold(key, ch.GoName)) {
			return ch, formNameCase
		}
	}
	if m.Map {
		return m.item, ""
	}
	return nil, ""
}

// jsonType is the JSON type of a node; a number is "integer" when its
// value is integral, as JSON Schema counts it.
func jsonType(n *jsontree.Node) (string, *big.Rat) {
	switch n.Kind {
	case jsontree.Null:
		return "null", nil
	case jsontree.Bool:
		return "boolean", nil
	case jsontree.String:
		return "string", nil
	case jsontree.Object:
		return "object", nil
	case jsontree.Array:
		return "array", nil
	case jsontree.Number:
		r, ok := new(big.Rat).SetString(string(n.Raw))
		if !ok {
			return "bare", nil
		}
		if r.IsInt() {
			return "integer", r
		}
		return "number", r
	}
	return "bare", nil
}

// deepAt is the nesting below which a free-form value counts as deep:
// serde_json's recursion limit is 128, and the generator nests 100, 129
// and 256 levels (past 10000, where Go stops, is Raw's deep-nesting).
const deepAt = 100

func depth(n *jsontree.Node, limit int) int {
	d := 0
	for _, e := range n.Elems {
		d = max(d, depth(e, limit-1))
		if d >= limit {
			return d + 1
		}
	}
	for _, mem := range n.Members {
		d = max(d, depth(mem.Value, limit-1))
		if d >= limit {
			return d + 1
		}
	}
	if n.Kind == jsontree.Array || n.Kind == jsontree.Object {
		return d + 1
	}
	return 0
}

// valueForms names the forms of value n as member m, "valid" among them
// when the schema's constraints on m hold.
func valueForms(m *Member, n *jsontree.Node) []string {
	t, num := jsonType(n)
	if t == "null" {
		return []string{formNull}
	}
	var forms []string
	if (m.Free || m.jsonKind() == "") && (n.Kind == jsontree.Array || n.Kind == jsontree.Object) && depth(n, deepAt) >= deepAt {
		forms = append(forms, formDeep)
	}
	if m.jsonKind() != "" && !typeAllows(m.Types, t) {
		return append(forms, formTypePrefix+t)
	}
	ok := true
	switch n.Kind {
	case jsontree.String:
		s := unquote(n.Raw)
		if s == "" {
			forms = append(forms, formEmpty)
		}
		if len(m.Enum) > 0 {
			switch {
			case slices.Contains(m.Enum, s):
				forms = append(forms, formEnumPrefix+s)
			case slices.ContainsFunc(m.Enum, func(e string) bool { return strings.EqualFold(e, s) }):
				forms, ok = append(forms, formEnumCase), false
			case s == "":
				ok = false
			default:
				forms, ok = append(forms, formEnumBad), false
			}
		}
		if m.Pattern != nil {
			if m.Pattern.MatchString(s) {
				forms = append(forms, formPatMatch)
			} else if s == "" {
				ok = false
			} else {
				forms, ok = append(forms, formPatMiss), false
			}
		}
	case jsontree.Array:
		if len(n.Elems) == 0 {
			forms = append(forms, formEmpty)
		}
		if len(n.Elems) < m.MinItems {
			forms, ok = append(forms, formFewItems), false
		}
	case jsontree.Object:
		if len(n.Members) == 0 {
			forms = append(forms, formEmpty)
		}
	case jsontree.Number:
		raw := string(n.Raw)
		if raw == "-0" {
			forms = append(forms, formNegZero)
		}
		if num != nil && num.IsInt() {
			if strings.Contains(raw, ".") {
				forms = append(forms, formPoint)
			}
			if strings.ContainsAny(raw, "eE") {
				forms = append(forms, formExponent)
			}
			v := num.Num()
			one := big.NewInt(1)
			if m.Min != nil {
				switch v.Cmp(m.Min) {
				case 0:
					forms = append(forms, formMin)
				case -1:
					ok = false
					if new(big.Int).Sub(m.Min, one).Cmp(v) == 0 {
						forms = append(forms, formBelowMin)
					}
				}
			}
			if m.Max != nil {
				switch v.Cmp(m.Max) {
				case 0:
					forms = append(forms, formMax)
				case 1:
					ok = false
					if new(big.Int).Add(m.Max, one).Cmp(v) == 0 {
						forms = append(forms, formAboveMax)
					}
				}
			}
			if m.jsonKind() == "integer" || m.jsonKind() == "number" {
				for _, l := range m.limits {
					if l.v.Cmp(v) == 0 {
						forms = append(forms, l.name)
					}
				}
			}
		}
	}
	if ok {
		forms = append(forms, formValid)
	}
	return forms
}

// Documents is how many documents were classified.
func (c *Coverage) Documents() int { return c.docs }

// Saw reports whether member path was seen in form.
func (c *Coverage) Saw(path, form string) bool {
	m := c.md.Find(path)
	return m != nil && c.seen[m][form] > 0
}

// Merge adds o's counts to c.
func (c *Coverage) Merge(o *Coverage) {
	c.docs += o.docs
	for m, fs := range o.seen {
		for f, k := range fs {
			if c.seen[m] == nil {
				c.seen[m] = map[string]int{}
			}
			c.seen[m][f] += k
		}
	}
}

// MarshalJSON writes the counts by member path, for a fuzz worker to save
// and ocidiff to add up (UnmarshalJSON reads them back).
func (c *Coverage) MarshalJSON() ([]byte, error) {
	out := struct {
		Documents int                       `json:"documents"`
		Seen      map[string]map[string]int `json:"seen"`
	}{c.docs, map[string]map[string]int{}}
	for m, fs := range c.seen {
		out.Seen[m.Path] = fs
	}
	return json.Marshal(out)
}

// UnmarshalJSON adds saved counts to c; members the vocabulary no longer
// has are ignored.
func (c *Coverage) UnmarshalJSON(b []byte) error {
	var in struct {
		Documents int                       `json:"documents"`
		Seen      map[string]map[string]int `json:"seen"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("gen: coverage: %w", err)
	}
	c.docs += in.Documents
	for p, fs := range in.Seen {
		if m := c.md.Find(p); m != nil {
			if c.seen[m] == nil {
				c.seen[m] = map[string]int{}
			}
			for f, k := range fs {
				c.seen[m][f] += k
			}
		}
	}
	return nil
}

// Report is a Coverage summed up: how many of the schema's members and of
// specs-go's fields the documents exercised, and each form's reach.
type Report struct {
	SchemaVersion string `json:"schemaVersion"`
	Documents     int    `json:"documents"`
	// SchemaMembers counts the named members the schema defines (array
	// elements and map values excluded); GoFields the JSON-named fields of
	// specs-go reachable from specs.Spec, counted per path.
	SchemaMembers     int `json:"schemaMembers"`
	SchemaMembersSeen int `json:"schemaMembersSeen"`
	GoFields          int `json:"goFields"`
	GoFieldsSeen      int `json:"goFieldsSeen"`
	// Forms is, per form, the members that can take it and those seen in
	// it; forms of one family (each enum value, each wrong type, each
	// integer limit) are also listed one by one.
	Forms []FormReach `json:"forms"`
	// Missing are the schema members and Go fields never seen.
	Missing []string `json:"missing,omitempty"`
	// Members lists every member's forms seen (JSON output only).
	Members map[string][]string `json:"members,omitempty"`
}

// FormReach is one form's reach.
type FormReach struct {
	Form    string `json:"form"`
	Members int    `json:"members"`
	Seen    int    `json:"seen"`
}

// formFamily groups forms for the summary line: every enum value is one
// family, every wrong type another.
func formFamily(f string) string {
	switch {
	case strings.HasPrefix(f, formEnumPrefix):
		return "enum:<each value>"
	case strings.HasPrefix(f, formTypePrefix):
		return formTypePrefix + "<each wrong type>"
	case strings.HasPrefix(f, "int") || strings.HasPrefix(f, "uint"):
		return "int-limits"
	}
	return f
}

// Report sums c up; withMembers adds every member's forms.
func (c *Coverage) Report(withMembers bool) Report {
	r := Report{SchemaVersion: c.md.SchemaVersion, Documents: c.docs}
	reach := map[string]*FormReach{}
	var order []string
	for _, m := range c.md.Members {
		seen := len(c.seen[m]) > 0
		if !m.Element() && m.InSchema {
			r.SchemaMembers++
			if seen {
				r.SchemaMembersSeen++
			}
		}
		if !m.Element() && m.GoField() {
			r.GoFields++
			if seen {
				r.GoFieldsSeen++
			}
		}
		if !seen && !m.Element() {
			r.Missing = append(r.Missing, m.Path)
		}
		for _, f := range m.Forms {
			fr := reach[f]
			if fr == nil {
				fr = &FormReach{Form: f}
				reach[f] = fr
				order = append(order, f)
			}
			fr.Members++
			if c.seen[m][f] > 0 {
				fr.Seen++
			}
		}
		if withMembers && seen {
			if r.Members == nil {
				r.Members = map[string][]string{}
			}
			r.Members[m.Path] = sortedKeys(c.seen[m])
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return formFamily(order[i]) < formFamily(order[j]) })
	for _, f := range order {
		r.Forms = append(r.Forms, *reach[f])
	}
	return r
}

// Print writes the report for people: the two counts, then each family
// of forms with the members it reached.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "coverage of runtime-spec %s over %d documents: schema members %d/%d, specs-go fields %d/%d\n",
		r.SchemaVersion, r.Documents, r.SchemaMembersSeen, r.SchemaMembers, r.GoFieldsSeen, r.GoFields)
	fam := map[string]*FormReach{}
	var order []string
	for _, f := range r.Forms {
		k := formFamily(f.Form)
		if fam[k] == nil {
			fam[k] = &FormReach{Form: k}
			order = append(order, k)
		}
		fam[k].Members += f.Members
		fam[k].Seen += f.Seen
	}
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%s %d/%d", k, fam[k].Seen, fam[k].Members))
	}
	fmt.Fprintf(w, "forms (member-forms seen/possible): %s\n", strings.Join(parts, ", "))
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, "never exercised: %s\n", firstOf(r.Missing, " "))
	}
}

// firstOf joins the first dozen of a sorted list with sep and says how
// many more there are: enough for a reader to see what kind is missing.
func firstOf(list []string, sep string) string {
	const most = 12
	s := strings.Join(list[:min(most, len(list))], sep)
	if len(list) > most {
		s += fmt.Sprintf(" and %d more", len(list)-most)
	}
	return s
}
