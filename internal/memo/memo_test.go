package memo

import (
	"strconv"
	"sync"
	"testing"
)

func TestMemo(t *testing.T) {
	calls := 0
	var mu sync.Mutex
	m := New(3, func(s string) int {
		mu.Lock()
		calls++
		mu.Unlock()
		n, _ := strconv.Atoi(s)
		return 2 * n
	})
	for _, tt := range []struct {
		key       string
		want      int
		wantCalls int
	}{
		{"1", 2, 1},
		{"1", 2, 1}, // remembered
		{"2", 4, 2},
		{"3", 6, 3},
		{"4", 8, 4}, // at the bound: forgets all, remembers 4
		{"4", 8, 4},
		{"1", 2, 5}, // forgotten
	} {
		if got := m.Get(tt.key); got != tt.want || calls != tt.wantCalls {
			t.Errorf("Get(%q) = %d after %d calls of f, want %d after %d", tt.key, got, calls, tt.want, tt.wantCalls)
		}
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				k := strconv.Itoa((i + j) % 10)
				if got, want := m.Get(k), 2*((i+j)%10); got != want {
					t.Errorf("concurrent Get(%q) = %d, want %d", k, got, want)
				}
			}
		})
	}
	wg.Wait()
}
