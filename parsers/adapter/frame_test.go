package adapter

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
)

func TestFrames(t *testing.T) {
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	inputs := [][]byte{{}, []byte("{}"), {0, 0xff, '\n', 0}}
	for _, in := range inputs {
		if err := writeFrame(w, in); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := out.Bytes()[:6], []byte{0, 0, 0, 0, 0, 0}; !bytes.Equal(got, want) {
		t.Errorf("empty frame then header = % x, want % x", got, want)
	}
	r := bufio.NewReader(&out)
	var buf []byte
	for _, want := range inputs {
		got, err := readFrame(r, buf)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("readFrame = %q, %v; want %q", got, err, want)
		}
		buf = got
	}
	if _, err := readFrame(r, buf); err != io.EOF {
		t.Errorf("at end: err = %v, want io.EOF", err)
	}
}

func TestReadFrameErrors(t *testing.T) {
	var pe *protocolError
	for _, tc := range []struct {
		name string
		in   []byte
		is   func(error) bool
	}{
		{"header cut", []byte{0, 0}, func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"body cut", []byte{0, 0, 0, 9, 'a'}, func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"body missing", []byte{0, 0, 0, 9}, func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"over limit", []byte{0x10, 0, 0, 1}, func(err error) bool { return errors.As(err, &pe) }},
	} {
		_, err := readFrame(bufio.NewReader(bytes.NewReader(tc.in)), nil)
		if !tc.is(err) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
}

// TestAnswerAsEncodingJSON holds the verdict frame's reading (json/v2
// with answerOptions) to what encoding/json reads from the same frame,
// on frames a misbehaving or unusual child could write.
func TestAnswerAsEncodingJSON(t *testing.T) {
	for _, frame := range []string{
		`{"outcome":"accept","model":{"a":[1, 2.0, -0]}}`,
		`{"outcome":"accept","model": { "spaced" : true } }`,
		`{"outcome":"reject","error":"bad \u00e9 \"x\"","at":"/process/cwd"}`,
		`{"outcome":"reject","error":"nul \u0000 here","at":null}`,
		"{\"outcome\":\"reject\",\"error\":\"invalid \xff\xfe UTF-8\"}",
		`{"outcome":"reject","error":"lone \ud800 surrogate"}`,
		`{"Outcome":"crash","ERROR":"letter case"}`,
		`{"outcome":"reject","outcome":"accept","model":{}}`,
		`{"outcome":"accept","model":{"x":1},"extra":[1,2]}`,
		`{"outcome":"reject","error":"x"}  `,
		`{"outcome":"reject","error":"e","a_t":"x","AT":"/a"}`,
		`{"outcome":"accept","model":{"a":1},"mod-el":{"b":2}}`,
		`{"outcome":"reject","error":"boom","Error":null}`,
		`{"outcome":"accept","model":{},"outcome":null}`,
		`{"outcome":"accept","model":null}`,
	} {
		var want, got answer
		errV1 := json.Unmarshal([]byte(frame), &want)
		errV2 := jsonv2.Unmarshal([]byte(frame), &got, answerOptions)
		if (errV1 == nil) != (errV2 == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("frame %q: json/v2 reads %+v (%v), encoding/json %+v (%v)", frame, got, errV2, want, errV1)
		}
	}
	for _, frame := range []string{`{"outcome":"reject"} x`, `{"outcome":5}`, `[]`, `{"outcome":"accept","model":{]}`} {
		var a answer
		errV1 := json.Unmarshal([]byte(frame), &a)
		errV2 := jsonv2.Unmarshal([]byte(frame), &a, answerOptions)
		if errV1 == nil || errV2 == nil {
			t.Errorf("frame %q: encoding/json error %v, json/v2 error %v; both should refuse it", frame, errV1, errV2)
		}
	}
}

// BenchmarkAnswer reads a verdict frame carrying the founding config's
// model (as the Rust adapter writes it) with encoding/json and as receive
// reads it.
func BenchmarkAnswer(b *testing.B) {
	frame := []byte(`{"outcome":"accept","model":{"ociVersion":"1.1.0","process":{"user":{"uid":0,"gid":0,"username":"NT AUTHORITY\\SYSTEM"},"args":["cmd.exe"],"cwd":"C:\\"},"root":{"path":""},"annotations":{"io.kubernetes.cri.sandbox-namespace":"kube-system","io.kubernetes.cri.sandbox-uid":"1a11517f-b759-473e-9337-d6be68218a12","microsoft.com/hostprocess-container":"true"},"windows":{"resources":{"memory":{}},"network":{}}}}`)
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			var a answer
			if err := json.Unmarshal(frame, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("receive", func(b *testing.B) {
		for b.Loop() {
			var a answer
			if err := jsonv2.Unmarshal(frame, &a, answerOptions); err != nil {
				b.Fatal(err)
			}
		}
	})
}
