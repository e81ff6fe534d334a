package harness

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ocidiff/ocidiff/internal/memo"
	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/parsers"
)

// located is one reason a judge refused: where, what form the input has
// there, and the judge's error class with the place taken out.
type located struct {
	member string
	form   Form
	class  string
}

// locate reads where and why a judge refused, from the verdict alone as
// far as it says (a validator's causes, encoding/json's field path,
// json/v2's pointer, an adapter's At) and from the input where it does not
// (libocispec names a key, not a place). A validator that reports several
// errors gives one located per member.
func locate(v parsers.Verdict, in *inputView) []located {
	if ls := locateSchema(v, in); ls != nil {
		return ls
	}
	member, class := "", v.Class
	switch {
	case v.At != "":
		// An adapter places a missing member at the object that lacks
		// it; the cause is the member.
		if m := match(missingField, "missing field", v.Class); m != nil {
			member = patternOf(strings.TrimSuffix(v.At, "/") + "/" + escapeToken(m[1]))
		} else {
			member = patternOf(v.At)
		}
	default:
		if m := match(goField, goFieldWords, v.Class); m != nil {
			if _, rest, ok := strings.Cut(m[1], "."); ok {
				if p, container, ok := specmod.GoFieldPattern(rest); ok {
					member = p
					// encoding/json names the field but the type of
					// the element it failed on: the cause is the
					// element.
					if container && !strings.HasPrefix(m[2], "[]") && !strings.HasPrefix(m[2], "map[") {
						member += "/*"
					}
				}
			}
			class = ClassWithoutMember(class)
		} else if m := match(within, "within ", v.Error); m != nil {
			member = patternOf(m[1])
			class = ClassWithoutMember(class)
		} else if m := match(libKey, "'", v.Class); m != nil {
			member = in.findKey(m[2], m[1] == "Required field")
		} else if m := match(missingField, "missing field", v.Class); m != nil {
			member = in.findKey(m[1], true)
		}
	}
	form := formOf(class)
	if documentForm(form) {
		// Text that is not JSON is the document's fault, wherever a
		// decoder noticed it.
		member = ""
	}
	if form == DuplicateName {
		if m := match(dupName, "duplicate object member name", v.Error); m != nil {
			member = strings.TrimSuffix(member, "/") + "/" + escapeToken(m[1])
			member = patternOf(member)
		} else if member == "" {
			member = in.onlyDuplicate()
		}
	}
	return []located{{member, in.refine(member, form), class}}
}

// ClassWithoutMember is a Go decoder's error class with the member it
// names taken out, as causes are keyed: the same refusal of the same
// value reads alike at any field.
func ClassWithoutMember(class string) string {
	if m := match(goField, goFieldWords, class); m != nil {
		class = strings.Replace(class, m[0], "into Go struct field of type "+m[2], 1)
	}
	if !strings.Contains(class, " within ") {
		return class
	}
	return withinClass.ReplaceAllString(class, "")
}

// match is re.FindStringSubmatch(s) for an expression that matches only
// where s holds words: most texts a check meets are not of the library
// the expression reads, and a substring search rules them out for less
// than the expression's machinery costs.
func match(re *regexp.Regexp, words, s string) []string {
	if !strings.Contains(s, words) {
		return nil
	}
	return re.FindStringSubmatch(s)
}

// goFieldWords are the words goField needs.
const goFieldWords = "into Go struct field "

var (
	// encoding/json: "into Go struct field LinuxCPU.linux.resources.cpu.shares of type uint64".
	goField = regexp.MustCompile(`into Go struct field (\S+) of type (\S+)`)
	// json/v2 and jsontext: `within /process/scheduler/period` or `within "/linux/uidMappings/0"`.
	within      = regexp.MustCompile(`within "?(/[^"\s:]*)`)
	withinClass = regexp.MustCompile(` within "?/[^"\s:]*"?`)
	// libocispec: "Required field 'path' not present", "... for key 'timeout': ...".
	libKey = regexp.MustCompile(`(Required field|for key) '([^']*)'`)
	// serde: "missing field `user`".
	missingField = regexp.MustCompile("missing field `([^`]*)`")
	// jsontext: `duplicate object member name "hostID"`.
	dupName = regexp.MustCompile(`duplicate object member name "([^"]*)"`)
	// jsonschema v6: "at '/windows': missing property 'layerFolders'";
	// gojsonschema: "windows: layerFolders is required".
	missingV6 = regexp.MustCompile(`at '([^']*)': missing propert(?:y|ies) ((?:'[^']*'(?:, )?)+)`)
	missingGo = regexp.MustCompile(`(?m)^(?:- )?([^\s:]*): (\S+) is required`)
)

// locateSchema reads a validator's causes, one located per member: the
// keywords that failed there are its class, less the allOf or anyOf that
// only say a keyword below them failed. A REQUIRED member that is missing
// is placed at the member, not at the object that lacks it, as the other
// judges place it.
func locateSchema(v parsers.Verdict, in *inputView) []located {
	if len(v.Causes) == 0 {
		return nil
	}
	byPath := map[string][]string{}
	var order []string
	for _, c := range v.Causes {
		p, kw, ok := splitSchemaCause(c)
		if !ok {
			return nil
		}
		if _, ok := byPath[p]; !ok {
			order = append(order, p)
		}
		byPath[p] = append(byPath[p], kw)
	}
	var ls []located
	for _, p := range order {
		kws := byPath[p]
		if slices.ContainsFunc(kws, func(k string) bool { return !combinator(k) }) {
			kws = slices.DeleteFunc(slices.Clone(kws), combinator)
		}
		slices.Sort(kws)
		kws = slices.Compact(kws)
		class := strings.Join(kws, "+")
		if slices.Contains(kws, "required") {
			for _, name := range missingNames(v.Error, p) {
				member := patternOf(p + "/" + escapeToken(name))
				ls = append(ls, located{member, Missing, "required"})
			}
			if len(kws) == 1 && len(ls) > 0 {
				continue
			}
		}
		member := patternOf(p)
		ls = append(ls, located{member, in.refine(member, formOf(class)), class})
	}
	return ls
}

// splitSchemaCause splits a validator's cause, "<instance location>:<keyword>"
// ("/windows/layerFolders:type", ":required" at the root), into its
// location and keyword. The location is empty or a JSON pointer without
// white space, and may hold colons; the keyword is letters and "$".
func splitSchemaCause(c string) (ptr, keyword string, ok bool) {
	i := strings.LastIndexByte(c, ':')
	if i < 0 {
		return "", "", false
	}
	ptr, keyword = c[:i], c[i+1:]
	if ptr != "" && (ptr[0] != '/' || strings.ContainsAny(ptr, " \t\n\f\r")) {
		return "", "", false
	}
	if keyword == "" || strings.IndexFunc(keyword, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '$')
	}) >= 0 {
		return "", "", false
	}
	return ptr, keyword, true
}

func combinator(k string) bool { return k == "allOf" || k == "anyOf" || k == "oneOf" }

// missingNames reads from a validator's message the members missing from
// the object at pointer p.
func missingNames(msg, p string) []string {
	var names []string
	p = patternOf(p) // the class folds indices; the message has them
	for _, m := range missingV6.FindAllStringSubmatch(msg, -1) {
		if patternOf(m[1]) == p {
			for _, q := range strings.Split(m[2], ", ") {
				names = append(names, strings.Trim(q, "'"))
			}
		}
	}
	for _, m := range missingGo.FindAllStringSubmatch(msg, -1) {
		at := ""
		if m[1] != "(root)" {
			at = "/" + strings.ReplaceAll(m[1], ".", "/")
		}
		if patternOf(at) == p {
			names = append(names, m[2])
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// formOf reads the form of the input from an error class: the words every
// library uses for the same thing.
func formOf(class string) Form {
	// Every refusal of every check asks, and classes repeat: the memo
	// saves a lowering and some forty substring searches each time.
	return forms.Get(class)
}

var forms = memo.New(1<<14, formOfClass)

func formOfClass(class string) Form {
	c := strings.ToLower(class)
	has := func(words ...string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(c, w) })
	}
	switch {
	case has("duplicate"):
		return DuplicateName
	case has("max depth", "recursion limit", "nesting depth", "too deep"):
		return TooDeep
	case has("utf-8", "utf8", "surrogate", "unicode code point", "hex escape"):
		return BadEncoding
	case has("after top-level value", "trailing characters", "trailing data"):
		return TrailingData
	case has("required field", "missing field", "required", "missing property"):
		return Missing
	case has("out of range", "minimum", "maximum", "invalid value: integer", "overflow"):
		return OutOfRange
	case has("enum", "unknown variant", "no variant", "pattern", "const", "format"):
		return NotAllowed
	case has("minitems", "minlength"):
		return Empty
	case has("invalid type", "cannot unmarshal", "type", "invalid value", "invalid argument"):
		return WrongType
	case has("invalid character", "expected value", "cannot parse", "invalid json", "unexpected end", "eof",
		"looking for beginning", "expected `", "key must be a string", "control character", "invalid number", "invalid escape"):
		return BadSyntax
	}
	return Value
}

// patternOf turns a JSON pointer into a member pattern: indices and map
// keys folded, as specmod.Pattern writes them.
func patternOf(ptr string) string {
	return specmod.Pattern(specmod.SplitPointer(ptr))
}

// placeBy places a cause that its own library did not place (a crash) by
// the refusals of the others: their member, when they name one alone.
func placeBy(ls []located, in *inputView) located {
	var one *located
	for i := range ls {
		switch {
		case one == nil:
			one = &ls[i]
		case one.member != ls[i].member:
			return located{form: in.documentForm()}
		}
	}
	if one == nil {
		return located{form: in.documentForm()}
	}
	return located{member: one.member, form: one.form}
}

// inputView is the input as Causes looks at it: decoded once, when first
// needed, with the pointers of the names it holds twice.
type inputView struct {
	raw     []byte
	decoded bool
	tree    any
	valid   bool
	// dups are the patterns of duplicated members, scanned only when a
	// form asks: a token scan costs more than the decode.
	dups    []string
	scanned bool
}

func newInputView(b []byte) *inputView { return &inputView{raw: b} }

// take makes d, the input decoded as parsers.Decode decodes it (as
// decode does), the view's tree; nil leaves the view to decode.
func (in *inputView) take(d *parsers.Decoded) {
	if d == nil {
		return
	}
	in.decoded = true
	in.tree, in.valid = d.Tree, d.Err == nil && !d.Trailing
}

func (in *inputView) decode() {
	if !in.decoded {
		in.take(parsers.Decode(in.raw))
	}
}

// duplicated returns the patterns of the members a valid input names twice.
func (in *inputView) duplicated() []string {
	in.decode()
	if in.valid && !in.scanned {
		in.scanned = true
		in.dups = duplicates(in.raw)
	}
	return in.dups
}

// at returns the first value of the input at member pattern p ("*"
// matching any index or key), and whether there is one.
func (in *inputView) at(p string) (any, bool) {
	in.decode()
	if !in.valid {
		return nil, false
	}
	if p == "" {
		return in.tree, true
	}
	return lookup(in.tree, strings.Split(strings.TrimPrefix(p, "/"), "/"))
}

func lookup(v any, toks []string) (any, bool) {
	if len(toks) == 0 {
		return v, true
	}
	t := specmod.UnescapeToken(toks[0])
	switch x := v.(type) {
	case map[string]any:
		if toks[0] == "*" {
			for _, k := range sortedKeys(x) {
				if r, ok := lookup(x[k], toks[1:]); ok {
					return r, true
				}
			}
			return nil, false
		}
		c, ok := x[t]
		if !ok {
			return nil, false
		}
		return lookup(c, toks[1:])
	case []any:
		for i, c := range x {
			if toks[0] == "*" || t == strconv.Itoa(i) {
				if r, ok := lookup(c, toks[1:]); ok {
					return r, true
				}
			}
		}
	}
	return nil, false
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// refine corrects a form read from an error class by what the input holds
// at member: a wrong type that is null is null, and one that is an
// integer in another spelling is that.
func (in *inputView) refine(member string, f Form) Form {
	switch f {
	case WrongType, OutOfRange, Value, NotAllowed, Missing, Empty:
	default:
		return f
	}
	v, ok := in.at(member)
	switch {
	case !ok && f == Missing:
		return Missing
	case !ok:
		if member != "" && in.otherCase(member) {
			return LetterCase
		}
		return f
	case v == nil && member != "":
		return Null
	}
	if n, isNum := v.(json.Number); isNum && (f == WrongType || f == OutOfRange) && integerSpelling(string(n)) {
		return NumberForm
	}
	return f
}

// valueForm says what the input holds at a member two parsers read
// differently.
func (in *inputView) valueForm(member string) Form {
	if slices.ContainsFunc(in.duplicated(), func(d string) bool { return d == member || strings.HasPrefix(member, d+"/") }) {
		return DuplicateName
	}
	v, ok := in.at(member)
	if !ok {
		if in.otherCase(member) {
			return LetterCase
		}
		return Value
	}
	switch x := v.(type) {
	case nil:
		return Null
	case json.Number:
		if integerSpelling(string(x)) {
			return NumberForm
		}
	case string:
		if x == "" {
			return Empty
		}
		if strings.ContainsRune(x, 0) {
			return ControlChar
		}
	case []any:
		if len(x) == 0 {
			return Empty
		}
		if slices.Contains(x, any(nil)) {
			return Null
		}
	case map[string]any:
		if len(x) == 0 {
			return Empty
		}
	}
	return Value
}

// integerSpelling reports whether a JSON number is an integer written
// otherwise than as digits: 1e3, 1.0, -0.
func integerSpelling(n string) bool {
	return strings.ContainsAny(n, "eE.") || n == "-0"
}

// otherCase reports whether the object that would hold member holds a
// name that spells it in another letter case.
func (in *inputView) otherCase(member string) bool {
	i := strings.LastIndex(member, "/")
	if i < 0 {
		return false
	}
	parent, ok := in.at(member[:i])
	if !ok {
		return false
	}
	obj, ok := parent.(map[string]any)
	if !ok {
		return false
	}
	name := member[i+1:]
	for k := range obj {
		if k != name && strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// documentForm says what is wrong with the input as a whole, for a cause
// no judge places.
func (in *inputView) documentForm() Form {
	in.decode()
	switch {
	case !utf8.Valid(in.raw):
		return BadEncoding
	case in.valid && len(in.duplicated()) > 0:
		return DuplicateName
	case in.valid && depth(in.raw) > 30:
		return TooDeep
	case in.valid:
		return Value
	case depth(in.raw) > maxDepth:
		return TooDeep
	case json.Valid(in.raw):
		return BadSyntax
	}
	d := json.NewDecoder(bytes.NewReader(in.raw))
	var v any
	if d.Decode(&v) == nil {
		return TrailingData
	}
	return BadSyntax
}

// findKey places a key that libocispec names without a place: the one
// member pattern in the input whose last name is key (for a missing
// REQUIRED member, the one object the spec gives such a member that lacks
// it); "" when there is none or more than one.
func (in *inputView) findKey(key string, missing bool) string {
	in.decode()
	if !in.valid {
		return ""
	}
	var found []string
	// The walk carries the specs-go type of each place down with it and
	// builds a place's tokens only for a hit: it visits every member of
	// the input, on every check that names a key.
	var toks []string
	var walk func(v any, t reflect.Type)
	walk = func(v any, t reflect.Type) {
		switch x := v.(type) {
		case map[string]any:
			if missing {
				// libocispec reads a null member as missing.
				if v, ok := x[key]; (!ok || v == nil) && specmod.NamesOf(t)[key] {
					found = append(found, specmod.Pattern(append(slices.Clone(toks), key)))
				}
			} else if _, ok := x[key]; ok {
				found = append(found, specmod.Pattern(append(slices.Clone(toks), key)))
			}
			for k, c := range x {
				toks = append(toks, k)
				walk(c, specmod.Step(t, k))
				toks = toks[:len(toks)-1]
			}
		case []any:
			for i, c := range x {
				toks = append(toks, strconv.Itoa(i))
				walk(c, specmod.Step(t, toks[len(toks)-1]))
				toks = toks[:len(toks)-1]
			}
		}
	}
	walk(in.tree, specmod.Root())
	slices.Sort(found)
	if found = slices.Compact(found); len(found) == 1 {
		return found[0]
	}
	return ""
}

// onlyDuplicate is the one member the input names twice, or "".
func (in *inputView) onlyDuplicate() string {
	if d := in.duplicated(); len(d) == 1 {
		return d[0]
	}
	return ""
}

// duplicates lists the patterns of the members a valid JSON text names
// twice in one object.
func duplicates(b []byte) []string {
	// Most texts name no member twice. jsontext checks that in one pass
	// without building a token (it compares names unescaped, as
	// encoding/json does); a text it refuses for any reason (a
	// duplicate, invalid UTF-8, which encoding/json repairs and may so
	// make two names one) is scanned name by name below.
	if jsontext.Value(b).IsValid() {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out []string
	var value func(toks []string) error
	value = func(toks []string) error {
		t, err := d.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'):
			seen := map[string]bool{}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if seen[k] {
					out = append(out, specmod.Pattern(append(slices.Clip(toks), k)))
				}
				seen[k] = true
				if err := value(append(slices.Clip(toks), k)); err != nil {
					return err
				}
			}
		case json.Delim('['):
			for i := 0; d.More(); i++ {
				if err := value(append(slices.Clip(toks), strconv.Itoa(i))); err != nil {
					return err
				}
			}
		default:
			return nil
		}
		_, err = d.Token() // the closing delimiter
		return err
	}
	value(nil)
	slices.Sort(out)
	return slices.Compact(out)
}

// maxDepth is encoding/json's nesting limit: deeper, a text is too deep
// to read whatever else it holds.
const maxDepth = 10000

// depth is the deepest nesting of arrays and objects in a JSON text.
func depth(b []byte) int {
	n, most := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			n++
			most = max(most, n)
		case c == '}' || c == ']':
			n--
		}
	}
	return most
}
