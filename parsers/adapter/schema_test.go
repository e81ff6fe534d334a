package adapter

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// protocolSchema compiles one definition of protocol.schema.json, "hello"
// or "verdict".
func protocolSchema(t testing.TB, def string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	if err := c.AddResource("protocol.schema.json", mustReadSchema(t)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("protocol.schema.json#/$defs/" + def)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustReadSchema(t testing.TB) any {
	t.Helper()
	b, err := os.ReadFile("protocol.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("protocol.schema.json: %v", err)
	}
	return doc
}

// ValidateFrame checks one frame's object against a definition of the
// schema; the external tests use it on the real adapters' frames.
func ValidateFrame(t testing.TB, def string, frame []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(frame))
	if err != nil {
		return err
	}
	return protocolSchema(t, def).Validate(inst)
}

// The schema and the client's own check of a hello must say the same, so
// that the schema documents what the client enforces.
func TestSchemaAgreesWithHelloCheck(t *testing.T) {
	for _, hello := range []string{
		fakeHello,
		`{"protocol":2,"judge":"c/libocispec@crun-1.28","version":"v","kind":"parser","language":"C","library":"libocispec","release":"crun 1.28"}`,
		`{"protocol":2,"judge":"schema/x","version":"v","kind":"validator","language":"Go","library":"l","release":"1"}`,
		`{"judge":"fake/echo@1","version":"fake 1","protocol":1}`,
		`{"protocol":1,"judge":"j","version":"v","kind":"parser","language":"C","library":"l","release":"1"}`,
		`{"protocol":2,"judge":"j","version":"v","kind":"parser","language":"C","library":"","release":"1"}`,
		`{"protocol":2,"judge":"j","version":"v","kind":"parser","language":"C","library":"l"}`,
		`{"protocol":2,"judge":"j","version":"v","kind":"oracle","language":"C","library":"l","release":"1"}`,
	} {
		schemaErr := ValidateFrame(t, "hello", []byte(hello))
		var h Hello
		checkErr := json.Unmarshal([]byte(hello), &h)
		if checkErr == nil {
			checkErr = h.check()
		}
		if (schemaErr == nil) != (checkErr == nil) {
			t.Errorf("%s:\nschema says %v\nclient says %v", hello, schemaErr, checkErr)
		}
	}
}

// Verdicts the client refuses as protocol errors are refused by the schema
// too, and the ones it reads pass.
func TestSchemaAgreesWithVerdictCheck(t *testing.T) {
	for _, v := range []string{
		`{"outcome":"accept","model":{"ociVersion":"1.0.2"}}`,
		`{"outcome":"reject","error":"missing field ` + "`user`" + `","at":"/process"}`,
		`{"outcome":"reject","error":"x","at":""}`,
		`{"outcome":"reject","error":"x","at":"/a~0b/0"}`,
		`{"outcome":"reject","error":"x"}`,
		`{"outcome":"crash","error":"panicked"}`,
		`{"outcome":"accept"}`,
		`{"outcome":"maybe","error":"x"}`,
		`{"outcome":"reject","error":"x","at":"process"}`,
		`{"outcome":"reject","error":"x","at":"/a~2"}`,
		`{"outcome":"accept","model":{},"at":"/a"}`,
		`{"outcome":"crash","error":"x","at":"/a"}`,
	} {
		schemaErr := ValidateFrame(t, "verdict", []byte(v))
		var a answer
		checkErr := json.Unmarshal([]byte(v), &a)
		if checkErr == nil {
			checkErr = a.check()
		}
		if (schemaErr == nil) != (checkErr == nil) {
			t.Errorf("%s:\nschema says %v\nclient says %v", v, schemaErr, checkErr)
		}
	}
}
