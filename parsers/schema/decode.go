package schema

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
)

// decoded is an input read as both libraries read a document: encoding/json's
// Decoder with UseNumber, numbers kept as written, the last of duplicate
// names kept. jsonschema.UnmarshalJSON and gojsonschema's bytes loader both
// do exactly this and differ only after the first value: v6 refuses
// anything but white space there, gojsonschema ignores it. So one decode
// serves both, with trailing recording what v6 needs to know.
type decoded struct {
	tree     any
	err      error // the Decoder's error: not JSON
	trailing bool  // a token, or invalid data, after the first value
}

func decode(input []byte) decoded {
	d := json.NewDecoder(bytes.NewReader(input))
	d.UseNumber()
	var tree any
	if err := d.Decode(&tree); err != nil {
		return decoded{err: err}
	}
	_, err := d.Token()
	return decoded{tree: tree, trailing: err != io.EOF}
}

// library tells the two validators apart in a sharing.
type library int

const (
	libV6 library = iota + 1
	libGoJSONSchema
)

// maxShared bounds the inputs whose decoded tree is kept for the other
// validator. Larger ones are decoded by each, so that an unusually large
// input's tree is never held past its check.
const maxShared = 1 << 20

// sharing hands a decoded input from one validator to the other. The
// engine runs every judge of a check on the same bytes, one after the
// other, so the second validator finds the first one's tree here instead
// of decoding again; decoding was about a quarter of each validator's
// cost.
//
// A tree is handed out at most once, and only to the other library: each
// decode serves at most one validation by each, so a validator judging
// the same bytes again (a benchmark, 5,000 copies of one file) decodes
// them again, as it would without sharing. The key is a copy of the
// input, compared in full, so a caller that reuses its buffer (a fuzzer)
// can never be handed the tree of what the buffer held before. Neither
// library modifies the document it validates, which is what makes the
// hand-over sound; TestSharedDecodeSameVerdicts holds every corpus input
// to it.
type sharing struct {
	mu    sync.Mutex
	slots [8]slot // a few engines may check at once (check, fuzz -parallel)
	next  int
}

type slot struct {
	key []byte
	lib library
	by  *judge // which judge stored it, to drop what no peer took
	d   decoded
}

// defaultSharing is shared by every validator of the process: the
// registry opens the two separately, and each engine (one per worker)
// holds its own pair.
var defaultSharing = &sharing{}

// decode returns input decoded, taking the tree the other library's
// validator left for it when there is one, else decoding and leaving the
// result for it.
func (s *sharing) decode(by *judge, lib library, input []byte) decoded {
	if s == nil {
		return decode(input)
	}
	s.mu.Lock()
	for i := range s.slots {
		sl := &s.slots[i]
		if sl.lib != 0 && sl.lib != lib && bytes.Equal(sl.key, input) {
			d := sl.d
			*sl = slot{}
			s.mu.Unlock()
			return d
		}
	}
	s.mu.Unlock()
	d := decode(input)
	if len(input) > maxShared {
		return d
	}
	key := bytes.Clone(input)
	s.mu.Lock()
	defer s.mu.Unlock()
	free := -1
	for i := range s.slots {
		if s.slots[i].by == by {
			s.slots[i] = slot{} // left by this judge's previous input; no peer wanted it
		}
		if free < 0 && s.slots[i].lib == 0 {
			free = i
		}
	}
	if free < 0 {
		free = s.next
		s.next = (s.next + 1) % len(s.slots)
	}
	s.slots[free] = slot{key: key, lib: lib, by: by, d: d}
	return d
}
