// Package site writes the corpus, its triage and every judge's verdicts as
// a static HTML site: a matrix a person can browse, with a page per family
// and per case. The pages are plain files with relative links, one style
// sheet and one small inline script, so they work from disk, offline, and
// on GitHub Pages alike.
package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/parsers"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options supplies what the site shows beyond the corpus and the triage
// notes. The callers compose them (cmd/ocidiff), so that the site shows
// exactly what `ocidiff matrix`, `ocidiff report` and `ocidiff confirm`
// print, and this package starts no judge and no runtime of its own.
type Options struct {
	// Matrix runs every judge ocidiff carries on an input, as `ocidiff
	// matrix` does. Its verdicts fill the front page's columns and each
	// case page, so the site says they were computed when it was written.
	Matrix func(input []byte) harness.Result
	// Report writes the Markdown issue `ocidiff report` writes for a case,
	// given the case and its matrix.
	Report func(c corpus.Case, m harness.Result) ([]byte, error)
	// Confirm, when set, returns what the real runtimes did with an input
	// as Markdown (`ocidiff confirm`), or nil when they cannot run here.
	// It is asked for the best case of each family only, because it
	// starts three runtimes per input. Nil leaves confirmation out.
	Confirm func(input []byte, m harness.Result) ([]byte, error)
	// Judges describes every judge of the cases and the matrices: who
	// stands apart and which judges are releases of one library are read
	// from there.
	Judges parsers.Descriptors
}

// Stats says what Write wrote.
type Stats struct {
	Families, Cases, Pages int
	// Confirmed counts the cases that carry a real-runtime confirmation.
	Confirmed int
}

// Write writes the site into dir, which it creates if needed: index.html
// with one row per annotation of anns, a page per family under family/,
// and a page per case under case/ with the case's input bytes beside it.
// A case that no annotation claims is listed on the front page on its
// own, as FINDINGS.md lists it.
func Write(dir string, cases []corpus.Case, anns []triage.Annotation, opts Options) (Stats, error) {
	if opts.Matrix == nil || opts.Report == nil {
		return Stats{}, fmt.Errorf("site: Options.Matrix and Options.Report are required")
	}
	var st Stats
	for _, sub := range []string{"family", "case"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return st, err
		}
	}
	w := writer{dir: dir, opts: opts}
	fams, untriaged := families(cases, anns)

	// The judges are the columns: those of the first matrix, which runs
	// every judge ocidiff carries, in the registry's order.
	var judges []parsers.Verdict
	matrices := map[string]harness.Result{}
	for _, c := range cases {
		m := opts.Matrix(c.Input)
		matrices[c.Signature] = m
		if judges == nil {
			judges = m.Verdicts
		}
	}
	if judges == nil {
		judges = opts.Matrix([]byte(`{}`)).Verdicts
	}
	var cols []column
	for _, v := range judges {
		cols = append(cols, column{Judge: v.Judge, Version: v.Version, ID: judgeID(v.Judge)})
	}

	front := frontPage{Page: page{Title: "ocidiff: where config.json parsers disagree", Root: ""}, Columns: cols}
	for n, f := range fams {
		row := familyRow{N: n + 1, Ann: f.ann, Cases: len(f.cases)}
		if len(f.cases) > 0 {
			best, err := triage.Best(f.cases, opts.Judges)
			if err != nil {
				return st, err
			}
			m := matrices[best.Signature]
			row.Best = harness.Slug(best.Signature)
			if row.Cells, err = cells(cols, m, opts.Judges); err != nil {
				return st, err
			}
			if row.Changes, err = triage.VersionChanges(m, opts.Judges); err != nil {
				return st, err
			}
		}
		// A <title> is text, where a title's Markdown code spans would
		// show their backticks.
		fp := familyPage{Page: page{Title: strings.ReplaceAll(f.ann.Title, "`", ""), Root: "../"}, Row: row, Columns: cols}
		for _, c := range f.cases {
			cs, err := cells(cols, matrices[c.Signature], opts.Judges)
			if err != nil {
				return st, err
			}
			fp.Cases = append(fp.Cases, caseRow{Slug: harness.Slug(c.Signature), Bytes: len(c.Input),
				Words: triage.Words(c.Result), Best: harness.Slug(c.Signature) == row.Best, Cells: cs})
		}
		if err := w.page(filepath.Join("family", f.ann.ID+".html"), "family", fp); err != nil {
			return st, err
		}
		front.Rows = append(front.Rows, row)
		for _, c := range f.cases {
			if err := w.casePage(c, f.ann, matrices[c.Signature], harness.Slug(c.Signature) == row.Best, &st); err != nil {
				return st, err
			}
		}
	}
	for _, c := range untriaged {
		cs, err := cells(cols, matrices[c.Signature], opts.Judges)
		if err != nil {
			return st, err
		}
		front.Untriaged = append(front.Untriaged, caseRow{Slug: harness.Slug(c.Signature), Bytes: len(c.Input),
			Words: triage.Words(c.Result), Cells: cs})
		if err := w.casePage(c, nil, matrices[c.Signature], false, &st); err != nil {
			return st, err
		}
	}
	front.NCases = len(cases)
	for _, s := range triage.Statuses {
		n := 0
		for _, r := range front.Rows {
			if r.Ann.Status == s {
				n++
			}
		}
		front.Counts = append(front.Counts, statusCount{s, n})
	}
	if err := w.page("index.html", "index", front); err != nil {
		return st, err
	}
	if err := os.WriteFile(filepath.Join(dir, "style.css"), styleCSS, 0o644); err != nil {
		return st, err
	}
	st.Families, st.Cases, st.Pages = len(fams), len(cases), w.pages
	return st, nil
}

// family is one annotation and the cases that stand for a cause it
// claims, possibly none.
type family struct {
	ann   *triage.Annotation
	cases []corpus.Case
}

// families sorts cases into the families that claim their causes, in the
// order FINDINGS.md lists them (triage.Group: by status, then as
// findings.json lists them). Every annotation is a family, also one that
// claims no case of this corpus, so that the front page has a row for
// each; the cases of causes no family claims are untriaged.
func families(cases []corpus.Case, anns []triage.Annotation) (fs []family, untriaged []corpus.Case) {
	for _, f := range triage.Group(cases, anns) {
		if f.Ann == nil {
			untriaged = append(untriaged, f.Cases...)
			continue
		}
		fs = append(fs, family{ann: f.Ann, cases: f.Cases})
	}
	return fs, untriaged
}

// column is one judge of the matrix. ID names the judge's row of the
// judges table, which the column's head links to: the judge's name with
// every character a URL would escape ("/", "@") as "-".
type column struct{ Judge, Version, ID string }

func judgeID(judge string) string {
	return "judge-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, judge)
}

// cell is one judge's verdict in the matrix, in words: the class says it
// again to the style sheet, never alone.
type cell struct {
	Text, Class, Title string
}

// cells gives each column's verdict in m. An accepting parser that Assess
// holds to read other values (triage.RuleValues) shows "value ≠", with the
// paths; a judge m lacks shows "not run".
func cells(cols []column, m harness.Result, ds parsers.Descriptors) ([]cell, error) {
	odd, err := triage.OtherValues(m, ds)
	if err != nil {
		return nil, err
	}
	out := make([]cell, len(cols))
	for i, col := range cols {
		j := slices.IndexFunc(m.Verdicts, func(v parsers.Verdict) bool { return v.Judge == col.Judge })
		if j < 0 {
			out[i] = cell{Text: "not run", Class: "none"}
			continue
		}
		v := m.Verdicts[j]
		c := cell{Text: string(v.Outcome), Class: string(v.Outcome), Title: harness.Reason(v, 200)}
		if v.Outcome == parsers.Accept {
			if paths, ok := odd[v.Judge]; ok {
				c = cell{Text: "value ≠", Class: "value", Title: "accepts, reads another value at " + strings.Join(paths, ", ")}
			}
		}
		out[i] = c
	}
	return out, nil
}

// page is what every page's frame needs: Root is the way back to the
// site's top directory ("" or "../"), so every link stays relative.
type page struct {
	Title, Root string
}

type statusCount struct {
	Status triage.Status
	N      int
}

type frontPage struct {
	Page      page
	Columns   []column
	Rows      []familyRow
	Untriaged []caseRow
	NCases    int
	Counts    []statusCount
}

type familyRow struct {
	N       int
	Ann     *triage.Annotation
	Cases   int
	Best    string
	Cells   []cell
	Changes []string
}

type caseRow struct {
	Slug  string
	Bytes int
	Words string
	Best  bool
	Cells []cell
}

type familyPage struct {
	Page    page
	Row     familyRow
	Columns []column
	Cases   []caseRow
}

type verdictRow struct {
	V parsers.Verdict
	// Recorded is the verdict the corpus case holds for this judge, if it
	// names the judge; Changed says it differs from the fresh one.
	Recorded *parsers.Verdict
	Changed  bool
}

type casePage struct {
	Page      page
	Slug      string
	Family    *triage.Annotation
	Signature string
	Found     string
	Best      bool
	Text      string
	Escaped   string
	Bytes     int
	Verdicts  []verdictRow
	Diffs     []harness.ValueDiff
	Changes   []string
	Report    template.HTML
	Markdown  string
	ReportErr string
	Confirm   template.HTML
	// Confirmable says the site was written with confirmation asked for.
	Confirmable bool
}

type writer struct {
	dir   string
	opts  Options
	pages int
}

func (w *writer) casePage(c corpus.Case, fam *triage.Annotation, m harness.Result, best bool, st *Stats) error {
	slug := harness.Slug(c.Signature)
	changes, err := triage.VersionChanges(m, w.opts.Judges)
	if err != nil {
		return fmt.Errorf("site: case %s: %w", slug, err)
	}
	p := casePage{Page: page{Title: "case " + slug, Root: "../"}, Slug: slug, Family: fam, Signature: c.Signature,
		Best: best, Text: displayText(c.Input), Escaped: escapeJSON(c.Input), Bytes: len(c.Input),
		Diffs: m.Diffs, Changes: changes, Confirmable: w.opts.Confirm != nil}
	if !c.Found.IsZero() {
		p.Found = c.Found.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	for _, v := range m.Verdicts {
		row := verdictRow{V: v}
		if i := slices.IndexFunc(c.Result.Verdicts, func(r parsers.Verdict) bool { return r.Judge == v.Judge }); i >= 0 {
			row.Recorded = &c.Result.Verdicts[i]
			row.Changed = row.Recorded.Outcome != v.Outcome || row.Recorded.Version != v.Version
		}
		p.Verdicts = append(p.Verdicts, row)
	}
	md, err := w.opts.Report(c, m)
	if err != nil {
		p.ReportErr = err.Error()
	} else {
		p.Markdown = string(md)
		if p.Report, err = render(md); err != nil {
			return fmt.Errorf("site: case %s: rendering its report: %w", slug, err)
		}
	}
	if best && w.opts.Confirm != nil {
		cm, err := w.opts.Confirm(c.Input, m)
		if err != nil {
			return fmt.Errorf("site: case %s: confirm: %w", slug, err)
		}
		if cm != nil {
			if p.Confirm, err = render(cm); err != nil {
				return fmt.Errorf("site: case %s: rendering its confirmation: %w", slug, err)
			}
			st.Confirmed++
		}
	}
	// The exact bytes go beside the page, for a reader to download: no
	// rendering in HTML can show every byte as it is.
	if err := os.WriteFile(filepath.Join(w.dir, "case", slug+".input.json"), c.Input, 0o644); err != nil {
		return err
	}
	return w.page(filepath.Join("case", slug+".html"), "case", p)
}

func (w *writer) page(name, tmpl string, data any) error {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, tmpl, data); err != nil {
		return fmt.Errorf("site: %s: %w", name, err)
	}
	w.pages++
	return os.WriteFile(filepath.Join(w.dir, name), b.Bytes(), 0o644)
}

// GFM without Linkify: Linkify takes "rust/oci-spec@0.10.0" for an e-mail
// address and links it (mailto:), which the browser test caught.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(plainMarkup{}, 100))))

// inlineMD renders the one-paragraph texts of findings.json (a family's
// title, why, ask and note), which quote code in backticks as FINDINGS.md
// shows them. It parses paragraphs only, so that a text that starts with
// "1." or "#" or holds a "|" stays a line of text and never becomes a
// list, a heading or a table; and it drops every link, because a title is
// itself the text of a link on the front page.
var inlineMD = goldmark.New(goldmark.WithParser(parser.NewParser(
	parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 100)),
	parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	parser.WithASTTransformers(util.Prioritized(plainMarkup{unlinkAll: true}, 100)))))

// plainMarkup adapts a report's Markdown to a page of this site.
//   - A link that is not absolute keeps its text and loses the link:
//     reports quote the spec's Markdown, whose links are relative to the
//     spec's files ("glossary.md#…", "#poststop"), and would lead nowhere.
//   - Inline HTML is shown as the text it is ("stat <bundle>/rootfs" in a
//     runtime's message), except the few bare tags reports write
//     themselves (<sub>…</sub>), which stay markup. goldmark would drop
//     it all; nothing an input holds becomes markup either way.
//   - Headings go two levels down, below the page's own h1 and h2.
//
// With unlinkAll, every link keeps its text and loses the link.
type plainMarkup struct{ unlinkAll bool }

// keptTags are the inline tags plainMarkup leaves as markup: bare, with no
// attribute, so they cannot carry a script or a link.
var keptTags = map[string]bool{"<sub>": true, "</sub>": true}

func (pm plainMarkup) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var links []*ast.Link
	var raws []*ast.RawHTML
	var autos []*ast.AutoLink
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if pm.unlinkAll || !bytes.Contains(n.Destination, []byte("://")) {
				links = append(links, n)
			}
		case *ast.AutoLink:
			if pm.unlinkAll {
				autos = append(autos, n)
			}
		case *ast.RawHTML:
			raws = append(raws, n)
		case *ast.Heading:
			n.Level = min(n.Level+2, 6)
		}
		return ast.WalkContinue, nil
	})
	for _, l := range links {
		parent := l.Parent()
		for c := l.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, l, c)
			c = next
		}
		parent.RemoveChild(parent, l)
	}
	for _, a := range autos {
		a.Parent().ReplaceChild(a.Parent(), a, ast.NewString(a.Label(src)))
	}
	for _, r := range raws {
		var v []byte
		for i := range r.Segments.Len() {
			seg := r.Segments.At(i)
			v = append(v, seg.Value(src)...)
		}
		str := ast.NewString(v)
		// A code string is written as it is; any other is escaped.
		str.SetCode(keptTags[string(v)])
		r.Parent().ReplaceChild(r.Parent(), r, str)
	}
}

// render turns a report's Markdown into HTML. goldmark leaves raw HTML
// out by default, so what an input holds cannot become markup.
func render(src []byte) (template.HTML, error) {
	var b bytes.Buffer
	if err := md.Convert(src, &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// inline renders one text of findings.json as inline HTML: its Markdown
// (code spans, emphasis) as markup, with the paragraph tags left out, so
// that it fits in a link, a heading or a table cell. Raw HTML shows as
// text, as in a report.
func inline(s string) (template.HTML, error) {
	var b bytes.Buffer
	if err := inlineMD.Convert([]byte(s), &b); err != nil {
		return "", fmt.Errorf("site: rendering %q: %w", s, err)
	}
	h := strings.TrimSpace(b.String())
	h = strings.TrimSuffix(strings.TrimPrefix(h, "<p>"), "</p>")
	return template.HTML(strings.ReplaceAll(h, "</p>\n<p>", " ")), nil
}

// displayText is the input as text for a <pre>: bytes that are not UTF-8
// become U+FFFD and control characters other than tab and newline their
// Unicode pictures (U+2400…), so that nothing is silently lost to the
// HTML parser. The page says so, and links the exact bytes.
func displayText(in []byte) string {
	var b strings.Builder
	for len(in) > 0 {
		r, n := utf8.DecodeRune(in)
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune('\uFFFD')
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('\u2421')
		default:
			b.WriteRune(r)
		}
		in = in[n:]
	}
	return b.String()
}

// escapeJSON writes input as one JSON string literal, escaping everything
// that is not printable ASCII, so that look-alike letters, control
// characters and stray bytes are all visible: a character as \uXXXX (a
// surrogate pair past U+FFFF), as JSON writes it. A byte that is not part
// of valid UTF-8 has no JSON escape; it is written \xNN, which makes the
// literal exact but no longer JSON, as it must be.
func escapeJSON(in []byte) string {
	var b strings.Builder
	b.WriteByte('"')
	for len(in) > 0 {
		r, n := utf8.DecodeRune(in)
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, in[0])
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		in = in[n:]
	}
	b.WriteByte('"')
	return b.String()
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed style.css
var styleCSS []byte

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"describe": func(s triage.Status) string { return s.Describe() },
	"inline":   inline,
	"join":     strings.Join,
	"outcome":  func(v *parsers.Verdict) string { return string(v.Outcome) },
}).ParseFS(templateFS, "templates/*.html"))
