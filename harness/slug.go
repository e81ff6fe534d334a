package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Slug turns a signature into a directory name that is safe on every file
// system whatever the signature holds: a short readable stem (lower-case
// letters, digits and dashes only, taken from the signature's first
// words) and a hash of the whole signature, so that two signatures never
// share a slug by truncation.
func Slug(signature string) string {
	sum := sha256.Sum256([]byte(signature))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(signature) {
		if b.Len() >= 48 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	stem := strings.TrimRight(b.String(), "-")
	if stem == "" {
		stem = "case"
	}
	return stem + "-" + hex.EncodeToString(sum[:6])
}
