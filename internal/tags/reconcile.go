package tags

import "sort"

// Result is the reconciliation of the tags the job wrote with the expected ones.
type Result struct {
	// Expected and Written count the tags that must be written and the tag records read.
	Expected, Written int
	// Missing are tags the job must have written and did not; Unexpected tags it wrote that
	// it must not; Duplicated tags it wrote more than once (with their count).
	Missing, Unexpected []Key
	Duplicated          map[Key]int
	// PendingWritten and PendingOpen count the pending NoNews tags written and not written.
	PendingWritten, PendingOpen int
	// BeforeWindow counts the distinct tags written that events before the window triggered
	// (Expected.Before): left out, neither expected nor unexpected.
	BeforeWindow int
	// ByTag counts the tag records written per tag name (records, not distinct keys), of the
	// window's tags: the ones BeforeWindow counts are left out.
	ByTag map[string]int
}

// OK reports whether nothing is missing, unexpected or duplicated.
func (r Result) OK() bool {
	return len(r.Missing) == 0 && len(r.Unexpected) == 0 && len(r.Duplicated) == 0
}

// TagName returns a tag's kind for counting: "<n>RecordsForThisKey" for every count tag.
func TagName(tag string) string {
	if len(tag) > len(RecordsSuffix) && tag[len(tag)-len(RecordsSuffix):] == RecordsSuffix {
		return "<n>" + RecordsSuffix
	}
	return tag
}

// Reconcile compares written, the keys of the tag records read from the output window, with
// exp. A tag of exp.Before is neither unexpected nor a duplicate (a copy may have been written
// before the output window).
func Reconcile(exp Expected, written []Key) Result {
	res := Result{Expected: len(exp.Must), Written: len(written), Duplicated: map[Key]int{}, ByTag: map[string]int{}}
	count := map[Key]int{}
	for _, k := range written {
		count[k]++
	}
	for k, n := range count {
		if exp.Before[k] && !exp.Must[k] && !exp.Pending[k] {
			res.BeforeWindow++
			continue // one copy may have come before the output window
		}
		res.ByTag[TagName(k.Tag)] += n
		if n > 1+exp.Repeats[k] {
			res.Duplicated[k] = n
		}
		switch {
		case exp.Must[k]:
		case exp.Pending[k]:
			res.PendingWritten++
		default:
			res.Unexpected = append(res.Unexpected, k)
		}
	}
	for k := range exp.Must {
		if count[k] == 0 {
			res.Missing = append(res.Missing, k)
		}
	}
	res.PendingOpen = len(exp.Pending) - res.PendingWritten
	sortKeys(res.Missing)
	sortKeys(res.Unexpected)
	return res
}

func sortKeys(ks []Key) {
	sort.Slice(ks, func(i, j int) bool { return ks[i].String() < ks[j].String() })
}
