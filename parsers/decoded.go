package parsers

import (
	"bytes"
	"encoding/json"
	"io"
)

// Decoded is an input read as encoding/json's Decoder reads it with
// UseNumber: numbers kept as written, the last of duplicate names kept.
// Both schema libraries load a document exactly so, and the engine reads
// the input so to place causes; decoding once for all of them took a
// decode or two out of every check.
//
// Nobody may change Tree: it is handed to every judge of a check.
type Decoded struct {
	Tree any
	// Err is the Decoder's error: the input is not JSON.
	Err error
	// Trailing says a token, or invalid data, follows the first value.
	Trailing bool
}

// Decode reads input as Decoded describes.
func Decode(input []byte) *Decoded {
	d := json.NewDecoder(bytes.NewReader(input))
	d.UseNumber()
	var tree any
	if err := d.Decode(&tree); err != nil {
		return &Decoded{Err: err}
	}
	_, err := d.Token()
	return &Decoded{Tree: tree, Trailing: err != io.EOF}
}

// A DecodedJudge can judge an input from the tree decoded once for every
// judge of a check. decoded returns it, decoding on the first call, so a
// check whose judges need no tree decodes nothing. The verdict must be
// the one Judge gives.
type DecodedJudge interface {
	Judge
	JudgeDecoded(input []byte, decoded func() *Decoded) Verdict
}

// JudgeDecoded forwards to the judge described when it is a DecodedJudge,
// so that the wrapping hides no shared decode, and calls Judge otherwise.
func (j *describedJudge) JudgeDecoded(input []byte, decoded func() *Decoded) Verdict {
	if dj, ok := j.j.(DecodedJudge); ok {
		return dj.JudgeDecoded(input, decoded)
	}
	return j.j.Judge(input)
}
