package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/ocidiff/ocidiff/harness"
	"github.com/ocidiff/ocidiff/harness/corpus"
	"github.com/ocidiff/ocidiff/harness/triage"
	"github.com/ocidiff/ocidiff/registry"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the browser test's screenshots to docs/ for the README (also OCIDIFF_UPDATE_SCREENSHOTS=1)")

// TestSiteInBrowser generates the site from the real corpus, findings.json
// and judges, and uses it the way a person does: in headless Chromium,
// from disk (file://). Every page is checked for links that lead nowhere
// (a file or an anchor that does not exist). The front page, every family
// page, every family's best case page and the founding case are also
// loaded in the browser: none may report a console error, an uncaught
// exception or a failed load, and every link the browser resolves must
// exist. The matrix must have exactly one row per family of findings.json,
// and a case page a working copy button. With -update-screenshots it
// writes the front page and the founding case to docs/, which the README
// shows.
//
// With OCIDIFF_SITE_DIR set, it checks the site already written there
// instead of writing one, with the same checks: the nightly job writes the
// site with -confirm, which only root with the real runtimes can, and must
// test the very files it publishes. That site must come from the committed
// corpus and findings.json, which the checks count against.
//
// In CI (CI=true) a missing Chromium fails the test: the site must be
// tested where it is published from. Elsewhere the test skips, saying why.
func TestSiteInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is not installed (make deps installs Debian's chromium): %v", err)
		}
		t.Skipf("skipping the browser test: chromium is not installed (make deps installs it): %v", err)
	}
	root := filepath.Join("..", "..")
	anns, err := triage.ReadAnnotations(filepath.Join(root, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := corpus.OpenReadOnly(filepath.Join(root, "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := store.Cases()
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("OCIDIFF_SITE_DIR")
	if dir != "" {
		// The browser needs an absolute file:// URL.
		if dir, err = filepath.Abs(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
			t.Fatalf("OCIDIFF_SITE_DIR names no site: %v", err)
		}
		t.Logf("checking the site written beforehand in %s", dir)
	} else {
		dir = t.TempDir()
		var stdout, stderr bytes.Buffer
		if code := run([]string{"site", "-o", dir, "-corpus", filepath.Join(root, "corpus"), "-annotations", filepath.Join(root, "findings.json")},
			nil, &stdout, &stderr); code != exitAgree {
			t.Fatalf("ocidiff site: exit %d: %s", code, stderr.String())
		}
		t.Log(strings.TrimSpace(stdout.String()))
	}

	// Every page, statically: each href and src names a file of the site
	// (and an id in it), or an https URL.
	var pages []string
	if err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			pages = append(pages, p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if want := 1 + len(anns) + len(cases); len(pages) != want {
		t.Errorf("the site has %d pages, want %d (the front page, one per family, one per case)", len(pages), want)
	}
	ids := idIndex{}
	attr := regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	nLinks, nConfirmed := 0, 0
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(`<div class="confirm">`)) {
			nConfirmed++
		}
		for _, m := range attr.FindAllSubmatch(b, -1) {
			nLinks++
			if err := ids.resolve(dir, p, htmlUnescape(string(m[1]))); err != nil {
				t.Errorf("%s: %v", rel(dir, p), err)
			}
		}
	}
	// Only best cases carry a confirmation, and all of them are loaded in
	// the browser below.
	t.Logf("%d pages, %d links and sources checked on disk; %d pages show what the real runtimes did", len(pages), nLinks, nConfirmed)

	// In the browser.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.WindowSize(1400, 1000))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()

	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		var p string
		switch ev := ev.(type) {
		case *cdpruntime.EventConsoleAPICalled:
			if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value))
				}
				p = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *cdpruntime.EventExceptionThrown:
			p = fmt.Sprintf("uncaught exception: %s at %s:%d", ev.ExceptionDetails.Text, ev.ExceptionDetails.URL, ev.ExceptionDetails.LineNumber)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				p = fmt.Sprintf("log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventLoadingFailed:
			p = "failed load: " + ev.ErrorText
		}
		if p != "" {
			mu.Lock()
			problems = append(problems, p)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	// report fails the test with what the browser said since the last call.
	report := func(page string) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("%s: %s", rel(dir, page), p)
		}
		problems = nil
	}
	eval := func(page, expr string, v any) {
		t.Helper()
		var err error
		switch v := v.(type) {
		case *int:
			*v, err = chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		case *string:
			*v, err = chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		case *[]string:
			*v, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](expr))
		}
		if err != nil {
			t.Fatalf("%s: %s: %v", rel(dir, page), expr, err)
		}
	}
	// visit loads a page of the site and checks every link the browser
	// resolves, and that it loads nothing from elsewhere.
	visit := func(page string) {
		t.Helper()
		report("before " + page)
		u := (&url.URL{Scheme: "file", Path: page}).String()
		if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatalf("%s: %v", rel(dir, page), err)
		}
		var links, resources []string
		eval(page, `Array.from(document.querySelectorAll("a[href]"), a => a.href)`, &links)
		eval(page, `Array.from(document.querySelectorAll("link[href], script[src], img[src], iframe[src]"), e => e.href || e.src)`, &resources)
		for _, l := range links {
			if err := ids.resolveURL(dir, l); err != nil {
				t.Errorf("%s: in the browser: %v", rel(dir, page), err)
			}
		}
		for _, r := range resources {
			if !strings.HasPrefix(r, "file://") {
				t.Errorf("%s: loads %s from outside the site", rel(dir, page), r)
			}
		}
		report(page)
	}
	shoot := func(page, name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("%s: screenshot: %v", rel(dir, page), err)
		}
		screenshot(t, name, png)
	}

	// The front page: one row per family of findings.json, a column per
	// judge of -judges all.
	front := filepath.Join(dir, "index.html")
	visit(front)
	var rows, cols int
	eval(front, `document.querySelectorAll("#matrix tbody tr").length`, &rows)
	eval(front, `document.querySelectorAll("#matrix thead th.judge").length`, &cols)
	if rows != len(anns) {
		t.Errorf("the matrix has %d rows, findings.json %d families", rows, len(anns))
	}
	all, err := registry.Names("all")
	if err != nil {
		t.Fatal(err)
	}
	if cols != len(all) {
		t.Errorf("the matrix has %d judge columns, -judges all %d judges", cols, len(all))
	}
	shoot(front, "site-front.png")

	// Every family page, and every family's best case page.
	for i := range anns {
		visit(filepath.Join(dir, "family", anns[i].ID+".html"))
	}
	best := map[string]corpus.Case{}
	byID := map[string][]corpus.Case{}
	for _, c := range cases {
		if a := triage.CaseFamily(anns, c); a != nil {
			byID[a.ID] = append(byID[a.ID], c)
		}
	}
	for id, cs := range byID {
		b, err := triage.Best(cs, registry.Descriptors())
		if err != nil {
			t.Fatal(err)
		}
		best[id] = b
	}
	for _, c := range best {
		visit(filepath.Join(dir, "case", harness.Slug(c.Signature)+".html"))
	}

	// The founding case, "layerFolders": null (the smallest input of its
	// family that holds it): its copy button copies the report's Markdown.
	var founding *corpus.Case
	for i, c := range byID["layerfolders-null"] {
		if bytes.Contains(c.Input, []byte(`"layerFolders":null`)) && (founding == nil || len(c.Input) < len(founding.Input)) {
			founding = &byID["layerfolders-null"][i]
		}
	}
	if founding == nil {
		t.Fatal(`no case of the founding family layerfolders-null holds "layerFolders":null`)
	}
	cp := filepath.Join(dir, "case", harness.Slug(founding.Signature)+".html")
	visit(cp)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 2000)); err != nil {
		t.Fatal(err)
	}
	var buttons int
	var markdown, status string
	eval(cp, `document.querySelectorAll("button#copy").length`, &buttons)
	eval(cp, `document.getElementById("markdown").value`, &markdown)
	shoot(cp, "site-case.png")
	if buttons != 1 {
		t.Fatalf("the case page has %d copy buttons, want 1", buttons)
	}
	if !strings.Contains(markdown, "layerFolders") || !strings.Contains(markdown, "## What happens") {
		t.Errorf("the copy button's Markdown is not the case's report: %.200q", markdown)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#copy"))); err != nil {
		t.Fatal(err)
	}
	status, err = chromedp.Run(ctx, chromedp.Poll[string](`document.getElementById("copied").textContent || null`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("%s: after a click on the copy button: %v", rel(dir, cp), err)
	}
	if status != "Copied." {
		t.Errorf("after a click on the copy button the page says %q, want %q", status, "Copied.")
	}
	// What the clipboard holds now, read back through the page.
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-read"}, Setting: browser.PermissionSettingGranted}); err != nil {
		t.Fatal(err)
	}
	clip, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: reading the clipboard: %v", rel(dir, cp), err)
	}
	if clip != markdown {
		t.Errorf("the clipboard holds %.200q, want the report's Markdown %.200q", clip, markdown)
	}
	report(cp)
}

// screenshot writes a screenshot to docs/ when asked to.
func screenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	if len(png) == 0 {
		t.Errorf("%s: the browser returned no screenshot", name)
		return
	}
	if !*updateScreenshots && os.Getenv("OCIDIFF_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	p := filepath.Join("..", "..", "docs", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", p)
}

// idIndex caches the ids each page of the site declares.
type idIndex map[string]map[string]bool

var idAttr = regexp.MustCompile(`\bid="([^"]*)"`)

// resolve checks a link found in page: an https URL is outside (not
// checked, the site works offline), anything else is a path relative to
// page that must name a file of the site, and its fragment an id there.
func (ix idIndex) resolve(dir, page, link string) error {
	// The spec's own text links some sites over http (config-vm.md's
	// VMDK link); those are absolute too.
	if strings.HasPrefix(link, "https://") || strings.HasPrefix(link, "http://") {
		return nil
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") {
		return fmt.Errorf("link %q is neither relative nor absolute http(s)", link)
	}
	target := page
	if u.Path != "" {
		target = filepath.Join(filepath.Dir(page), filepath.FromSlash(u.Path))
	}
	return ix.check(dir, target, u.Fragment, link)
}

// resolveURL checks a link as the browser resolved it (a.href).
func (ix idIndex) resolveURL(dir, link string) error {
	// The spec's own text links some sites over http (config-vm.md's
	// VMDK link); those are absolute too.
	if strings.HasPrefix(link, "https://") || strings.HasPrefix(link, "http://") {
		return nil
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "file" {
		return fmt.Errorf("link %q is neither a file of the site nor https", link)
	}
	return ix.check(dir, filepath.FromSlash(u.Path), u.Fragment, link)
}

func (ix idIndex) check(dir, target, fragment, link string) error {
	if r, err := filepath.Rel(dir, target); err != nil || strings.HasPrefix(r, "..") {
		return fmt.Errorf("link %q leads out of the site", link)
	}
	if _, err := os.Stat(target); err != nil {
		return fmt.Errorf("link %q: %v", link, err)
	}
	if fragment == "" {
		return nil
	}
	ids, ok := ix[target]
	if !ok {
		b, err := os.ReadFile(target)
		if err != nil {
			return err
		}
		ids = map[string]bool{}
		for _, m := range idAttr.FindAllSubmatch(b, -1) {
			ids[htmlUnescape(string(m[1]))] = true
		}
		ix[target] = ids
	}
	if !ids[fragment] {
		return fmt.Errorf("link %q: no id %q in %s", link, fragment, filepath.Base(target))
	}
	return nil
}

// htmlUnescape undoes what html/template escapes in the attributes the
// site writes.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&#43;", "+").Replace(s)
}

func rel(dir, p string) string {
	if r, err := filepath.Rel(dir, p); err == nil {
		return r
	}
	return p
}
