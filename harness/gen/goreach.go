package gen

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// GoReach counts, for the writer's fuzz target, which specs-go fields the
// values BuildGo built from a set of inputs left in which Go form (nil,
// empty, zero, set): the writer-side counterpart of Coverage, which sees
// only documents. What encoding/json writes of a field in a form no
// input reached has not been judged.
type GoReach struct {
	want   map[string][]string
	seen   map[string]map[string]bool
	inputs int
}

// NewGoReach starts a count over every field and form GoFields lists.
func NewGoReach() (*GoReach, error) {
	want, err := GoFields()
	if err != nil {
		return nil, err
	}
	return &GoReach{want: want, seen: map[string]map[string]bool{}}, nil
}

// Add builds the value a writer fuzz input stands for (BuildGo), counts
// its fields' forms and returns it.
func (g *GoReach) Add(data []byte) *specs.Spec {
	g.inputs++
	return BuildGo(data, func(member, form string) {
		if g.seen[member] == nil {
			g.seen[member] = map[string]bool{}
		}
		g.seen[member][form] = true
	})
}

// GoReachReport is what a GoReach counted.
type GoReachReport struct {
	Inputs int `json:"inputs"`
	// Forms is, per Go form, the fields that can be left in it and those
	// some input left in it.
	Forms []FormReach `json:"forms"`
	// Missing lists "member form" pairs no input reached, sorted.
	Missing []string `json:"missing,omitempty"`
}

// Report sums the count up per form.
func (g *GoReach) Report() GoReachReport {
	r := GoReachReport{Inputs: g.inputs}
	// The forms GoFields gives a field, in this order.
	for _, form := range []string{GoNil, GoEmpty, GoZero} {
		fr := FormReach{Form: form}
		for member, forms := range g.want {
			if !slices.Contains(forms, form) {
				continue
			}
			fr.Members++
			if g.seen[member][form] {
				fr.Seen++
			} else {
				r.Missing = append(r.Missing, member+" "+form)
			}
		}
		r.Forms = append(r.Forms, fr)
	}
	sort.Strings(r.Missing)
	return r
}

// Print writes the report in a few lines.
func (r GoReachReport) Print(w io.Writer) {
	var parts []string
	for _, f := range r.Forms {
		parts = append(parts, fmt.Sprintf("%s %d/%d", f.Form, f.Seen, f.Members))
	}
	fmt.Fprintf(w, "specs-go fields as the writer's %d inputs left them (field-forms reached/possible): %s\n", r.Inputs, strings.Join(parts, ", "))
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, "never reached: %s\n", firstOf(r.Missing, ", "))
	}
}
