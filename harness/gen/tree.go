package gen

import (
	"strconv"
	"strings"
)

// The structured generator edits a generic JSON tree: map[string]any,
// []any, string, json.Number, bool and nil. Paths are slash-separated
// member names and array indices, e.g. "mounts/0/destination".

// absentValue is what a value generator returns to mean "no member at
// all", as opposed to a member whose value is null.
type absentValue struct{}

var absent any = absentValue{}

// put sets the member at path to v, creating the objects and arrays on
// the way (an index past the end appends); a value in the way that is not
// a container is replaced. v == absent deletes the member instead.
func put(doc map[string]any, path string, v any) {
	segs := strings.Split(path, "/")
	var cur any = doc
	for i, seg := range segs {
		last := i == len(segs)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if v == absent {
					delete(c, seg)
				} else {
					c[seg] = v
				}
				return
			}
			next, ok := c[seg]
			if !isContainerFor(next, segs[i+1]) {
				if v == absent && !ok {
					return
				}
				next = newContainerFor(segs[i+1])
				c[seg] = next
			}
			cur = next
		case []any:
			idx, _ := strconv.Atoi(seg)
			if idx >= len(c) {
				if v == absent {
					return
				}
				idx = len(c)
				c = append(c, nil)
				// The slice header grew: store it back in its parent.
				put(doc, strings.Join(segs[:i], "/"), c)
			}
			if last {
				if v == absent {
					put(doc, strings.Join(segs[:i], "/"), append(c[:idx:idx], c[idx+1:]...))
				} else {
					c[idx] = v
				}
				return
			}
			if !isContainerFor(c[idx], segs[i+1]) {
				c[idx] = newContainerFor(segs[i+1])
			}
			cur = c[idx]
		}
	}
}

// get returns the value at path.
func get(doc map[string]any, path string) (any, bool) {
	var cur any = doc
	for _, seg := range strings.Split(path, "/") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[seg]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			idx, err := strconv.Atoi(seg)
			if err != nil || idx < 0 || idx >= len(c) {
				return nil, false
			}
			cur = c[idx]
		default:
			return nil, false
		}
	}
	return cur, true
}

func isIndex(seg string) bool {
	_, err := strconv.Atoi(seg)
	return err == nil
}

func isContainerFor(v any, nextSeg string) bool {
	if isIndex(nextSeg) {
		_, ok := v.([]any)
		return ok
	}
	_, ok := v.(map[string]any)
	return ok
}

func newContainerFor(nextSeg string) any {
	if isIndex(nextSeg) {
		return []any{}
	}
	return map[string]any{}
}
