package harness

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// decodeModel decodes a judge's re-serialized model into a tree of
// map[string]any, []any, json.Number, string, bool and nil, as
// encoding/json's Decoder with UseNumber reads it: numbers as written, so
// that 1 and 1.0 are a split; data after the first value ignored.
//
// Every accepted model of every input is decoded here, so a model goes
// first through a pooled jsontext token reader, which builds the same tree
// with a third fewer allocations (BenchmarkDecodeModel). Duplicate names
// are let through, the last one kept in the map as encoding/json keeps it;
// jsontext refuses what encoding/json repairs (invalid UTF-8, unpaired
// surrogates), and any model it refuses is decoded by encoding/json, whose
// tree or error (which a signature may quote) is then the answer.
// TestDecodeModelFastPath holds the two to the same trees.
func decodeModel(m json.RawMessage) (any, error) {
	if v, ok := decodeFast(m); ok {
		return v, nil
	}
	return decodeStd(m)
}

func decodeStd(m json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(m))
	d.UseNumber() // compare numbers as written: 1 and 1.0 are a split
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeFast reads only models that are an object or an array: their
// closing delimiter ends the value for both readers, whereas after a
// top-level number the two look at what follows differently.
func decodeFast(m []byte) (any, bool) {
	if t := bytes.TrimLeft(m, " \t\r\n"); len(t) == 0 || t[0] != '{' && t[0] != '[' {
		return nil, false
	}
	d := decoders.Get().(*jsontext.Decoder)
	d.Reset(bytes.NewReader(m), jsontext.AllowDuplicateNames(true))
	v, err := readValue(d)
	d.Reset(empty)
	decoders.Put(d)
	return v, err == nil
}

var (
	decoders = sync.Pool{New: func() any { return jsontext.NewDecoder(empty) }}
	empty    = bytes.NewReader(nil)
)

// errNotScalar never escapes readValue: it only sends the caller back to
// encoding/json.
var errNotScalar = io.ErrUnexpectedEOF

func readValue(d *jsontext.Decoder) (any, error) {
	tok, err := d.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case '{':
		m := map[string]any{}
		for d.PeekKind() != '}' {
			k, err := d.ReadToken()
			if err != nil {
				return nil, err
			}
			if k.Kind() != '"' {
				return nil, errNotScalar
			}
			name := k.String()
			v, err := readValue(d)
			if err != nil {
				return nil, err
			}
			m[name] = v
		}
		if _, err := d.ReadToken(); err != nil {
			return nil, err
		}
		return m, nil
	case '[':
		l := []any{}
		for d.PeekKind() != ']' {
			v, err := readValue(d)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		if _, err := d.ReadToken(); err != nil {
			return nil, err
		}
		return l, nil
	case '"':
		return tok.String(), nil
	case '0':
		return json.Number(tok.String()), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	}
	return nil, errNotScalar
}
