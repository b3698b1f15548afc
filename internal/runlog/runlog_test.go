package runlog

import (
	"strings"
	"testing"
	"time"
)

func TestSaveAndLast(t *testing.T) {
	dir := t.TempDir()
	if _, err := Last(dir); err == nil || !strings.Contains(err.Error(), "streamscale run") {
		t.Fatalf("Last on an empty dir = %v, want a hint to run first", err)
	}
	r := Run{
		ID:  NewID(time.Date(2026, 11, 25, 3, 15, 0, 0, time.UTC)),
		In:  Window{Topic: "in", Start: map[int32]int64{0: 5, 1: 0}, End: map[int32]int64{0: 10, 1: 7}},
		Out: Window{Topic: "out", Start: map[int32]int64{0: 1}, End: map[int32]int64{0: 4}},
	}
	if r.ID != "20261125-031500" {
		t.Fatalf("NewID = %q", r.ID)
	}
	if err := Save(dir, r); err != nil {
		t.Fatal(err)
	}
	got, err := Last(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || got.In.Records() != 12 || got.Out.Records() != 3 || got.In.Start[0] != 5 {
		t.Fatalf("Last = %+v, want the saved run with 12 in and 3 out records", got)
	}
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	if ids, err := List(dir + "/absent"); err != nil || len(ids) != 0 {
		t.Fatalf("List of an absent dir = %v, %v", ids, err)
	}
	for _, id := range []string{"20261125-040000", "20261124-230000"} {
		if err := Save(dir, Run{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := List(dir)
	if err != nil || strings.Join(ids, ",") != "20261124-230000,20261125-040000" {
		t.Fatalf("List = %v, %v; want both runs, oldest first, and not the 'last' file", ids, err)
	}
}
