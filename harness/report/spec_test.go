package report

import (
	"strings"
	"testing"

	"github.com/ocidiff/ocidiff/internal/specmod"
)

// TestLookup reads the pinned runtime-spec module: the spec text's bullet
// and the schema fragment of each member, following $ref across files.
func TestLookup(t *testing.T) {
	dir, err := specmod.Dir()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pointer                string
		textFile, textHas      string
		schemaFile, schemaPtr  string
		schemaHas, resolvedHas string
		required               bool
	}{
		{"/windows/layerFolders", "config-windows.md", "**`layerFolders`** (array of strings, REQUIRED)",
			"schema/config-windows.json", "/windows/properties/layerFolders", `"minItems": 1`, "", true},
		{"/root/path", "config.md", "**`path`** (string, REQUIRED) Specifies the path to the root filesystem",
			"schema/config-schema.json", "/properties/root/properties/path", `"$ref": "defs.json#/definitions/FilePath"`, "schema/defs.json#/definitions/FilePath", true},
		{"/ociVersion", "config.md", "**`ociVersion`** (string, REQUIRED)",
			"schema/config-schema.json", "/properties/ociVersion", `"$ref"`, "schema/defs.json#/definitions/ociVersion", true},
		{"/hooks/prestart/*/path", "config.md", "**`path`** (string, REQUIRED) with similar semantics",
			"schema/defs.json", "/definitions/Hook/properties/path", "", "", true},
		{"/process/user/uid", "config.md", "**`uid`** (int, REQUIRED)",
			"schema/config-schema.json", "/properties/process/properties/user/properties/uid", "", "", false},
		{"/linux/namespaces/*/type", "config-linux.md", "**`type`** *(string, REQUIRED)*",
			"schema/defs-linux.json", "/definitions/NamespaceReference/properties/type", "", "", true},
		// The whole definition: the MUST sentences in the paragraph after
		// the member's own.
		{"/annotations", "config.md", "Keys MUST NOT be an empty string.",
			"schema/config-schema.json", "/properties/annotations", "", "mapStringString", false},
		{"/linux/rootfsPropagation", "config-linux.md", "Its value is either `shared`, `slave`, `private` or `unbindable`.",
			"schema/config-linux.json", "/linux/properties/rootfsPropagation", "", "RootfsPropagation", false},
	} {
		d, err := Lookup(dir, tc.pointer)
		if err != nil {
			t.Errorf("%s: %v", tc.pointer, err)
			continue
		}
		if d.TextFile != tc.textFile || !strings.Contains(d.Text, tc.textHas) {
			t.Errorf("%s: text %s:%d %q; want %s containing %q", tc.pointer, d.TextFile, d.TextLine, d.Text, tc.textFile, tc.textHas)
		}
		if d.SchemaFile != tc.schemaFile || d.SchemaPointer != tc.schemaPtr || !strings.Contains(d.Schema, tc.schemaHas) {
			t.Errorf("%s: schema %s#%s %s; want %s#%s containing %q", tc.pointer, d.SchemaFile, d.SchemaPointer, d.Schema, tc.schemaFile, tc.schemaPtr, tc.schemaHas)
		}
		if !strings.Contains(d.Resolved, tc.resolvedHas) {
			t.Errorf("%s: resolved %q; want it to contain %q", tc.pointer, d.Resolved, tc.resolvedHas)
		}
		if d.Required != tc.required {
			t.Errorf("%s: required %v; want %v", tc.pointer, d.Required, tc.required)
		}
	}
}

// TestDefinitionEnds checks that a quoted definition stops where the
// member's definition does: at the next member, not in the one after it.
func TestDefinitionEnds(t *testing.T) {
	dir, err := specmod.Dir()
	if err != nil {
		t.Fatal(err)
	}
	for pointer, notHas := range map[string]string{
		"/process/user/uid":     "**`gid`**",
		"/annotations":          "org.opencontainers.image.os",
		"/windows/layerFolders": "**`",
	} {
		d, err := Lookup(dir, pointer)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.TrimPrefix(d.Text, strings.SplitN(d.Text, "\n", 2)[0]), notHas) {
			t.Errorf("%s: the quote runs on into %q:\n%s", pointer, notHas, d.Text)
		}
	}
}
