package parsers

import (
	"errors"
	"testing"
)

func TestRecover(t *testing.T) {
	judge := func(p any) (v Verdict) {
		v = Verdict{Judge: "j", Version: "1", Outcome: Accept, Model: []byte(`{}`)}
		defer Recover(&v)
		if p != nil {
			panic(p)
		}
		return v
	}
	if v := judge(nil); v.Outcome != Accept {
		t.Errorf("without a panic: %+v", v)
	}
	for _, tc := range []struct {
		panic      any
		err, class string
	}{
		{"index out of range [7] with length 3", "panic: index out of range [7] with length 3", "crash: panic: index out of range [*] with length N"},
		{errors.New("boom"), "panic: boom", "crash: panic: boom"},
	} {
		v := judge(tc.panic)
		want := Verdict{Judge: "j", Version: "1", Outcome: Crash, Error: tc.err, Class: tc.class}
		if v.Judge != want.Judge || v.Version != want.Version || v.Outcome != want.Outcome ||
			v.Error != want.Error || v.Class != want.Class || v.Model != nil {
			t.Errorf("panic(%v): verdict %+v, want %+v", tc.panic, v, want)
		}
	}
}
