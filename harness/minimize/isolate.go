package minimize

import (
	"bytes"
	"slices"

	"github.com/ocidiff/ocidiff/harness/minimize/jsontree"
)

// A Skeleton is the part of a valid document that Isolate keeps around a
// cause: the members every judge needs to accept a config at all.
type Skeleton struct {
	// Doc is a JSON object that every judge accepts.
	Doc string
	// Optional lists members of Doc, as paths of member names, that a
	// document need not have but that bring required members of their own
	// when it does: a config need not be for Windows, but its windows
	// object needs layerFolders. Isolate grafts into them only where the
	// input has them, and may drop them whole.
	Optional [][]string
}

// protection says what Isolate's reductions may not do to a node.
type protection uint8

const (
	keepMember protection = 1 << iota // the member holding the node stays
	pinned                            // the node is not replaced by a simpler value
	frozen                            // nothing at or below the node changes
)

// kept reports whether a member is part of the skeleton and must stay.
func (r *run) kept(m jsontree.Member) bool { return r.prot[m.Value]&keepMember != 0 }

// Isolate is Minimize for a failure that lives in a document which must
// otherwise stay valid. Minimize alone drops every member the predicate
// does not need, required members included: the result then differs from a
// valid document by the cause and by every missing required member, and
// other judges refuse it for those. Isolate instead minimizes the
// difference between the input and a valid document (delta debugging's
// isolation, Zeller and Hildebrandt 2002):
//
//  1. Repair: members of the skeleton that the input lacks are grafted in,
//     and skeleton members holding another value get the skeleton's
//     value, each kept only if keep still holds. A skeleton member that is
//     the cause therefore stays as the input had it.
//  2. Minimize as Minimize does, except that skeleton members holding the
//     skeleton's value are neither removed nor altered.
//  3. Repair again: a skeleton member held in a form that was part of
//     another cause may have gone with it.
//  4. Canonical order: the skeleton's members first, in the skeleton's
//     order, if keep still holds.
//
// Two inputs with one cause, built around different valid configs, thus
// end on one input. Inputs that are not a JSON object, and a skeleton that
// is not one, are minimized as Minimize does. The budget and the contract
// on keep are Minimize's.
func Isolate(input []byte, keep func([]byte) bool, sk Skeleton, budget int) []byte {
	r := &run{keep: keep, budget: budget, best: input}
	skel, err := jsontree.Parse([]byte(sk.Doc))
	d := parseDoc(input)
	if err != nil || skel.Kind != jsontree.Object || d == nil || d.tree.Kind != jsontree.Object || !r.try(d.bytes()) {
		return minimize(r, input)
	}
	test := func() bool { return r.try(d.bytes()) }
	g := grafter{optional: sk.Optional}
	// Most inputs take the whole skeleton at once: one call to keep.
	saved := d.tree.Clone()
	if !g.graft(d.tree, skel, nil, nil) || !test() {
		*d.tree = *saved
		g.graft(d.tree, skel, nil, test)
	}
	r.prot = map[*jsontree.Node]protection{d.tree: pinned}
	g.protect(r.prot, d.tree, skel, nil)
	d.reduce(r)
	// A skeleton member the input held in a form that was part of
	// another cause (root: null) may have been dropped with it.
	g.graft(d.tree, skel, nil, test)
	before := d.tree.Clone()
	if canonicalOrder(d.tree, skel) && !test() {
		*d.tree = *before
	}
	return r.best
}

type grafter struct{ optional [][]string }

func (g *grafter) isOptional(path []string) bool {
	return slices.ContainsFunc(g.optional, func(p []string) bool { return slices.Equal(p, path) })
}

// only returns the one member of n whose key is written exactly as key,
// or nil when there is none or several: a duplicated skeleton member is
// left as written, since the duplicate is likely the cause.
func only(n *jsontree.Node, key []byte) *jsontree.Member {
	var found *jsontree.Member
	for i := range n.Members {
		if bytes.Equal(n.Members[i].Key, key) {
			if found != nil {
				return nil
			}
			found = &n.Members[i]
		}
	}
	return found
}

func has(n *jsontree.Node, key []byte) bool {
	return slices.ContainsFunc(n.Members, func(m jsontree.Member) bool { return bytes.Equal(m.Key, key) })
}

// graft brings n (at path) toward skel. With test nil it makes every
// change and reports whether it made any; otherwise it tests each change
// (a missing member is grafted whole, with its skeleton members) and undoes
// those test refuses.
func (g *grafter) graft(n, skel *jsontree.Node, path []string, test func() bool) bool {
	changed := false
	inserted := 0
	for _, sm := range skel.Members {
		p := append(slices.Clip(path), string(sm.Key[1:len(sm.Key)-1]))
		m := only(n, sm.Key)
		switch {
		case m == nil && !has(n, sm.Key) && !g.isOptional(p):
			// Grafted in front, in the skeleton's order: a duplicate
			// spelled another way later in the input keeps the last word
			// for decoders where the last one wins.
			old := n.Members
			n.Members = slices.Insert(slices.Clone(old), inserted, jsontree.Member{Key: sm.Key, Value: sm.Value.Clone()})
			if test != nil && !test() {
				n.Members = old
				continue
			}
			inserted++
			changed = true
		case m == nil:
		case sm.Value.Kind == jsontree.Object:
			if m.Value.Kind == jsontree.Object {
				changed = g.graft(m.Value, sm.Value, p, test) || changed
			}
		case !bytes.Equal(m.Value.Bytes(), sm.Value.Bytes()):
			old := *m.Value
			*m.Value = *sm.Value.Clone()
			if test != nil && !test() {
				*m.Value = old
				continue
			}
			changed = true
		}
	}
	return changed
}

// protect marks the members of n that hold the skeleton's value.
func (g *grafter) protect(prot map[*jsontree.Node]protection, n, skel *jsontree.Node, path []string) {
	for _, sm := range skel.Members {
		p := append(slices.Clip(path), string(sm.Key[1:len(sm.Key)-1]))
		m := only(n, sm.Key)
		switch {
		case m == nil:
		case sm.Value.Kind == jsontree.Object:
			if m.Value.Kind != jsontree.Object {
				continue
			}
			prot[m.Value] |= pinned
			if !g.isOptional(p) {
				prot[m.Value] |= keepMember
			}
			g.protect(prot, m.Value, sm.Value, p)
		case bytes.Equal(m.Value.Bytes(), sm.Value.Bytes()):
			prot[m.Value] |= keepMember | frozen
		}
	}
}

// canonicalOrder puts the members of n that the skeleton names first, in
// the skeleton's order, and the others after them in the order they had.
// It reports whether anything moved.
func canonicalOrder(n, skel *jsontree.Node) bool {
	rank := func(m jsontree.Member) int {
		i := slices.IndexFunc(skel.Members, func(sm jsontree.Member) bool { return bytes.Equal(sm.Key, m.Key) })
		if i < 0 {
			return len(skel.Members)
		}
		return i
	}
	moved := false
	if !slices.IsSortedFunc(n.Members, func(a, b jsontree.Member) int { return rank(a) - rank(b) }) {
		n.Members = slices.Clone(n.Members)
		slices.SortStableFunc(n.Members, func(a, b jsontree.Member) int { return rank(a) - rank(b) })
		moved = true
	}
	for _, sm := range skel.Members {
		if sm.Value.Kind != jsontree.Object {
			continue
		}
		if m := only(n, sm.Key); m != nil && m.Value.Kind == jsontree.Object {
			moved = canonicalOrder(m.Value, sm.Value) || moved
		}
	}
	return moved
}
