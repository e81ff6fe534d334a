package harness

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ocidiff/ocidiff/parsers"
)

// A Cause is the unit of a finding: one library standing apart from the
// others, what it does, at which member of the spec, for which form of
// input. It is what a maintainer is told, so it names the library (every
// release of it alike), never a judge instance, and the member in the
// spec's terms, never the input's array indices or map keys. Two inputs
// that show the same Cause are the same finding whatever else they hold,
// and a judge added, removed or upgraded changes no Cause's key: the
// judges and releases that show it are attributes, outside the key.
type Cause struct {
	// Library is the implementation that stands apart, as its judges'
	// descriptors name it (parsers.Descriptor.Library).
	Library   string    `json:"library"`
	Behaviour Behaviour `json:"behaviour"`
	// Member is the place in config.json, as a JSON pointer pattern in
	// the spec's names with array elements and map entries folded to "*"
	// ("/mounts/*/options/*"); "" for the document as a whole (bad
	// syntax) or when no judge says where.
	Member string `json:"member"`
	// Form is what the input holds there that the libraries read
	// differently.
	Form Form `json:"form"`
	// Class is the library's own error class with the member taken out,
	// for a library that refuses or crashes; "" otherwise. For a writer
	// (Writes) it is the member written, with "reads back " before it when
	// the library reads its own bytes back as another value: a reader's
	// null refused at two members is one code path, but a writer writes
	// each member by its own code (a struct tag without omitempty, a
	// serializer attribute), so each member is a cause of its own.
	Class string `json:"class,omitempty"`

	// Judges are the judges of Library that show the cause, Releases
	// their releases, in the engine's order.
	Judges   []string `json:"judges"`
	Releases []string `json:"releases,omitempty"`
	// Values are, for a library that reads another value, what it read
	// at Member and what the others read, as JSON ("" for no value).
	Value      string `json:"value,omitempty"`
	OtherValue string `json:"otherValue,omitempty"`
	// Readers are, for a writer (Writes), the judges that refused what it
	// wrote, or its own judges that read it back as another value: an
	// attribute like Judges, outside the key.
	Readers []string `json:"readers,omitempty"`
}

// Key identifies the cause: the library, what it does, to which form of
// input, with which error; not the member, which is where an instance
// shows it (the same library refusing null at /process/cwd and at
// /root/path is one cause, met at two members), and nothing that says
// which judges ran. The corpus, the fuzzer's hit counts and "is this
// known" are keyed on it; families may also look at the member.
func (c Cause) Key() string {
	return c.Library + " " + string(c.Behaviour) + " " + string(c.Form) + " [" + c.Class + "]"
}

// Instance is Key with the member: one cause at one place.
func (c Cause) Instance() string { return c.Key() + " @ " + cmp.Or(c.Member, "/") }

// String says the cause in words, e.g. "libocispec refuses null at
// /windows/layerFolders [Required field 'layerFolders' not present]".
func (c Cause) String() string {
	s := c.Library + " " + c.Behaviour.Words() + " " + c.Form.Words()
	if c.Member != "" {
		s += " at " + c.Member
	}
	if c.Class != "" && c.Class != c.Member {
		s += " [" + c.Class + "]"
	}
	return s
}

// Behaviour is what the library that stands apart does.
type Behaviour string

const (
	// Refuses: the library refuses a config most libraries read.
	Refuses Behaviour = "refuses"
	// Reads: the library reads a config most libraries refuse.
	Reads Behaviour = "reads"
	// ReadsOther: the library reads another value than most.
	ReadsOther Behaviour = "reads-other"
	// ReadsNone: the library reads no value where most read one.
	ReadsNone Behaviour = "reads-none"
	// Crashes: the library's process died or answered no verdict.
	Crashes Behaviour = "crashes"
	// Hangs: the library gave no answer within its deadline.
	Hangs Behaviour = "hangs"
	// Writes: the library, writing a config it read or a program built,
	// wrote bytes that a reader or the schema refuses, or that the
	// library itself reads back as another value (writes.go). Its Class
	// is the member written (see Cause.Class).
	Writes Behaviour = "writes"
)

// Behaviours lists every behaviour, for validating families.
var Behaviours = []Behaviour{Refuses, Reads, ReadsOther, ReadsNone, Crashes, Hangs, Writes}

// Words says the behaviour as a verb phrase for a cause's sentence.
func (b Behaviour) Words() string {
	switch b {
	case Refuses:
		return "refuses"
	case Reads:
		return "reads"
	case ReadsOther:
		return "reads another value for"
	case ReadsNone:
		return "reads no value for"
	case Crashes:
		return "crashes on"
	case Hangs:
		return "hangs on"
	case Writes:
		return "writes"
	}
	return string(b)
}

// Form is the form of the input at a cause's member.
type Form string

const (
	Null          Form = "null"
	WrongType     Form = "wrong-type"
	OutOfRange    Form = "out-of-range"
	NotAllowed    Form = "not-allowed" // outside an enum or pattern
	Missing       Form = "missing-required"
	DuplicateName Form = "duplicate-name"
	LetterCase    Form = "letter-case"
	NumberForm    Form = "number-form" // an exponent, a fraction or -0 for an integer
	Empty         Form = "empty"       // "", [] or {}
	BadSyntax     Form = "bad-syntax"
	TrailingData  Form = "trailing-data"
	BadEncoding   Form = "bad-encoding" // invalid UTF-8, lone surrogates
	TooDeep       Form = "too-deep"
	Value         Form = "value" // a value of the right type, read otherwise
	// ControlChar is a string holding a NUL or another control
	// character, which C reads up to the NUL.
	ControlChar Form = "control-char"
)

// Forms lists every form, for validating families.
var Forms = []Form{Null, WrongType, OutOfRange, NotAllowed, Missing, DuplicateName, LetterCase, NumberForm, Empty, BadSyntax, TrailingData, BadEncoding, TooDeep, ControlChar, Value}

// Words says the form as a noun phrase.
func (f Form) Words() string {
	switch f {
	case Null:
		return "null"
	case WrongType:
		return "a value of the wrong type"
	case OutOfRange:
		return "a number out of range"
	case NotAllowed:
		return "a value the spec does not allow"
	case Missing:
		return "a missing REQUIRED member"
	case DuplicateName:
		return "a duplicate member name"
	case LetterCase:
		return "a member name in another letter case"
	case NumberForm:
		return "an integer written as an exponent, fraction or -0"
	case Empty:
		return "an empty value"
	case BadSyntax:
		return "text that is not JSON"
	case TrailingData:
		return "data after the document"
	case BadEncoding:
		return "invalid UTF-8 or a lone surrogate"
	case TooDeep:
		return "nesting too deep"
	case Value:
		return "a value"
	}
	return string(f)
}

// stance is one judge's part in a result, as Causes needs it.
type stance struct {
	v        parsers.Verdict
	desc     parsers.Descriptor
	upstream string
}

// Causes names the causes of a disagreement on input: for every library
// that stands apart, one cause per distinct thing it does. At each member
// a refusal names, the libraries that refuse there stand apart from those
// that read the config, or the other way round, as fewer upstream
// projects stand on one side (each project one vote, so that the three Go
// judges, or two releases of one crate, are not three opinions; on a tie
// refusers stand apart). A library that crashes or hangs stands apart
// always. A library that, accepting, read another model than the group of
// accepting parsers most projects stand in stands apart at the members
// where it differs (on a tie every group does).
//
// descs gives each verdict's judge its descriptor; a judge it lacks stands
// for a library of its own name. Causes returns nil when the judges agree.
func Causes(input []byte, r Result, descs parsers.Descriptors) []Cause {
	if r.Agree || len(r.Verdicts) == 0 {
		return nil
	}
	return causes(newInputView(input), r, descs)
}

// causes is Causes on an input view, which may hold the input decoded
// already.
func causes(in *inputView, r Result, descs parsers.Descriptors) []Cause {
	ss := stances(r.Verdicts, descs)

	own, placed := refusals(ss, in)

	// A library that names only the container (libocispec names the key
	// whose value it could not read, "annotations", not the entry) is
	// placed at the entries when the others name them: it is one
	// objection with theirs, and counted apart it would split the vote at
	// each member (a tie that made the parsers stand apart from the
	// schema on {"annotations": {"": true}}).
	for i := range own {
		for j, l := range own[i] {
			if f := finerIn(placed, l.member); f != "" {
				own[i][j].member = f
			}
		}
	}

	var cs causeSet
	add := cs.add
	for _, s := range ss {
		if o := s.v.Outcome; o == parsers.Crash || o == parsers.Timeout {
			b := Crashes
			if o == parsers.Timeout {
				b = Hangs
			}
			l := placeBy(placed, in)
			add(s, Cause{Behaviour: b, Member: l.member, Form: l.form, Class: s.v.Class})
		}
	}

	// Each member the refusals name is a question of its own: do the
	// libraries that refuse it there stand apart, or those that read the
	// config? Each upstream project is one vote; a judge that refused
	// only for another member did not object to this one, and counts with
	// the readers (a validator reports every error; a parser its first),
	// though a cause of reading it is only given to a judge that accepted.
	// On a tie the refusers stand apart. So a config with two unrelated causes
	// (a null layerFolders libocispec refuses, a missing user oci-spec-rs
	// refuses) is judged member by member, as two configs with one cause
	// each would be. The document as a whole (bad syntax, no member) is
	// one member, whatever form each refusal gives it.
	var members []string
	refusers := map[string]map[string]bool{} // member -> upstreams that refuse there
	for i, s := range ss {
		for _, l := range own[i] {
			if refusers[l.member] == nil {
				refusers[l.member] = map[string]bool{}
				members = append(members, l.member)
			}
			refusers[l.member][s.upstream] = true
		}
	}
	for _, m := range members {
		readers := map[string]bool{}
		for i, s := range ss {
			if o := s.v.Outcome; (o == parsers.Accept || o == parsers.Reject) &&
				!slices.ContainsFunc(own[i], func(l located) bool { return l.member == m }) {
				readers[s.upstream] = true
			}
		}
		if len(refusers[m]) <= len(readers) {
			for i, s := range ss {
				for _, l := range own[i] {
					if l.member == m {
						add(s, Cause{Behaviour: Refuses, Member: l.member, Form: l.form, Class: l.class})
					}
				}
			}
			continue
		}
		var here []located
		for i := range ss {
			for _, l := range own[i] {
				if l.member == m {
					here = append(here, l)
				}
			}
		}
		form := readsForm(here, in)
		for _, s := range ss {
			if s.v.Outcome == parsers.Accept {
				add(s, Cause{Behaviour: Reads, Member: m, Form: form})
			}
		}
	}
	valueCauses(&cs, r, ss, in)
	slices.SortStableFunc(cs, compareCauses)
	return cs
}

// finerIn returns m's entries, m+"/*", when ls name them: the one finer
// place a container-only refusal can mean. Deeper members are other
// questions (a duplicate name in process is not a missing process.cwd).
func finerIn(ls []located, m string) string {
	if m == "" {
		return ""
	}
	entries := m + "/*"
	for _, l := range ls {
		if l.member == entries {
			return entries
		}
	}
	return ""
}

// compareCauses orders causes as their instances would sort, field by
// field, without building the strings: Causes runs on every disagreement
// the fuzzer meets.
func compareCauses(a, b Cause) int {
	return cmp.Or(strings.Compare(a.Library, b.Library), strings.Compare(string(a.Behaviour), string(b.Behaviour)),
		strings.Compare(string(a.Form), string(b.Form)), strings.Compare(a.Class, b.Class), strings.Compare(a.Member, b.Member))
}

// sameInstance reports whether two causes are one cause at one member.
func sameInstance(a, b Cause) bool {
	return a.Library == b.Library && a.Behaviour == b.Behaviour && a.Form == b.Form && a.Class == b.Class && a.Member == b.Member
}

// valueCauses adds to cs the causes of the value splits among accepting
// parsers: the groups that read one model are weighed by the upstream
// projects in them, and every group but the heaviest stands apart at the
// members where it differs (every group, on a tie).
func valueCauses(cs *causeSet, r Result, ss []stance, in *inputView) {
	if len(r.Diffs) == 0 {
		return
	}
	byJudge := map[string]stance{}
	for _, s := range ss {
		byJudge[s.v.Judge] = s
	}
	type group struct {
		judges []string
		weight int
	}
	var groups []group
	for _, d := range r.Diffs {
		for _, js := range [][]string{d.A, d.B} {
			if !slices.ContainsFunc(groups, func(g group) bool { return slices.Equal(g.judges, js) }) {
				ups := map[string]bool{}
				for _, j := range js {
					ups[byJudge[j].upstream] = true
				}
				groups = append(groups, group{js, len(ups)})
			}
		}
	}
	heaviest, tie := 0, false
	for i, g := range groups[1:] {
		switch {
		case g.weight > groups[heaviest].weight:
			heaviest, tie = i+1, false
		case g.weight == groups[heaviest].weight:
			tie = true
		}
	}
	for gi, g := range groups {
		if gi == heaviest && !tie {
			continue
		}
		for _, d := range r.Diffs {
			var mine, other string
			switch {
			case slices.Equal(d.A, g.judges):
				mine, other = d.AValue, d.BValue
			case slices.Equal(d.B, g.judges):
				mine, other = d.BValue, d.AValue
			default:
				continue
			}
			b := ReadsOther
			if mine == "" {
				b = ReadsNone
			}
			member := patternOf(d.Path)
			form := in.valueForm(member)
			for _, j := range g.judges {
				cs.add(byJudge[j], Cause{Behaviour: b, Member: member, Form: form, Value: mine, OtherValue: other})
			}
		}
	}
}

// causeSet gathers causes: a judge showing a cause already there joins it,
// with its release.
type causeSet []Cause

func (cs *causeSet) add(s stance, c Cause) {
	c.Library = s.desc.Library
	for i := range *cs {
		e := &(*cs)[i]
		if !sameInstance(*e, c) {
			continue
		}
		if !slices.Contains(e.Judges, s.v.Judge) {
			e.Judges = append(e.Judges, s.v.Judge)
		}
		if s.desc.Release != "" && !slices.Contains(e.Releases, s.desc.Release) {
			e.Releases = append(e.Releases, s.desc.Release)
		}
		return
	}
	c.Judges = []string{s.v.Judge}
	if s.desc.Release != "" {
		c.Releases = []string{s.desc.Release}
	}
	*cs = append(*cs, c)
}

// documentForm reports whether a form is about the text as a whole, which
// has no member.
func documentForm(f Form) bool {
	return f == BadSyntax || f == TrailingData || f == BadEncoding || f == TooDeep
}

// readsForm is the form of what a library reads that the others refuse
// at one member: the form most of them give, the first on a tie.
func readsForm(ls []located, in *inputView) Form {
	n := map[Form]int{}
	var best Form
	for _, l := range ls {
		n[l.form]++
		if n[l.form] > n[best] {
			best = l.form
		}
	}
	// A number one refuser calls the wrong type and another out of range
	// (Go: "cannot unmarshal number -1 into … uint64"; the schema:
	// minimum) is out of range: the type is right, the value is not.
	if best == WrongType && n[OutOfRange] > 0 {
		best = OutOfRange
	}
	return cmp.Or(best, in.documentForm())
}

// refusals reads where and why each judge that refused says the input is
// wrong (own, by judge), and the refusals that name a member (placed): a
// library that reads what they refuse, or one that crashes without saying
// where, is placed by them. The round trip (writes.go) reads a writer's
// bytes with it as Causes reads an input.
func refusals(ss []stance, in *inputView) (own [][]located, placed []located) {
	// Where the judges that refuse say the input is wrong, and how: a
	// library that reads what they refuse, or one that crashes without
	// saying where, is placed by them.
	own = make([][]located, len(ss))
	for i, s := range ss {
		if s.v.Outcome == parsers.Reject {
			own[i] = locate(s.v, in)
			for _, l := range own[i] {
				if l.member != "" {
					placed = append(placed, l)
				}
			}
		}
	}
	// A library that refuses without saying where (a serde error names
	// no member) is placed where the others that refuse say they do, when
	// they name one member alone.
	for i := range own {
		for j, l := range own[i] {
			if l.member == "" && !documentForm(l.form) {
				if p := placeBy(placed, in); p.member != "" {
					own[i][j].member = p.member
					own[i][j].form = in.refine(p.member, l.form)
				}
			}
		}
	}

	return own, placed
}

// stances gives each verdict its judge's descriptor; a judge descs lacks
// stands for a library of its own name.
func stances(vs []parsers.Verdict, descs parsers.Descriptors) []stance {
	ss := make([]stance, len(vs))
	for i, v := range vs {
		d, ok := descs[v.Judge]
		if !ok {
			d = parsers.Descriptor{Name: v.Judge, Library: v.Judge, Release: v.Version}
		}
		ss[i] = stance{v, d, cmp.Or(d.Upstream.Name, d.Library)}
	}
	return ss
}
