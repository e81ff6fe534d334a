package gen

import (
	fuzz "github.com/AdaLogics/go-fuzz-headers"
)

// src hands out decisions from the fuzzer's bytes. Every decision reads
// whole bytes from a go-fuzz-headers consumer, so a byte the fuzzer flips
// changes one decision, and an exhausted input reads as zeros: the first
// choice of every list, which is why each list starts with its plainest
// form. Nothing here fails.
type src struct {
	c *fuzz.ConsumeFuzzer
}

func newSrc(data []byte) *src { return &src{c: fuzz.NewConsumer(data)} }

// n returns a choice in [0, k).
func (s *src) n(k int) int {
	if k <= 1 {
		return 0
	}
	b, err := s.c.GetByte()
	if err != nil {
		return 0
	}
	return int(b) % k
}

func (s *src) bool() bool { return s.n(2) == 1 }

// bytes returns up to max raw bytes (possibly invalid UTF-8).
func (s *src) bytes(max int) []byte {
	k := s.n(max + 1)
	if k == 0 {
		return nil
	}
	b, err := s.c.GetNBytes(k)
	if err != nil {
		return nil
	}
	return b
}

func pick[T any](s *src, list []T) T { return list[s.n(len(list))] }

// n16 returns a choice in [0, k) from two bytes, for lists longer than a
// byte can index (the vocabulary has hundreds of members).
func (s *src) n16(k int) int {
	if k <= 1 {
		return 0
	}
	return (s.n(256)<<8 | s.n(256)) % k
}
