package adapter

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
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
