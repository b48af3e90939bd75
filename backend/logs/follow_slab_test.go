package logs

import (
	"strings"
	"testing"
)

// TestFollowerSlabBounds: the slab a follower cuts its batches from holds
// the lines sent as long as it lasts, so long lines start a new one after
// BatchBytes; the lines not yet sent are carried over, in order.
func TestFollowerSlabBounds(t *testing.T) {
	f := &follower{}
	long := Line{Engine: "e", ID: "c", Time: t1, Stream: Stdout, Text: strings.Repeat("x", 60<<10)}
	for i := range 100 {
		f.add(long)
		if i%3 != 2 {
			continue // three lines a batch
		}
		f.sent = len(f.slab) // as sendBatch does
		held := 0
		for _, l := range f.slab {
			held += lineSize(l)
		}
		if held > BatchBytes+3*lineSize(long) {
			t.Fatalf("after %d lines the slab holds %d bytes of lines, more than a batch (%d) and the last", i+1, held, BatchBytes)
		}
	}
	short := Line{Engine: "e", ID: "c", Time: t1, Stream: Stdout}
	f = &follower{}
	for i := range 3 * slabLines {
		short.Cut = i // a number to check the order by
		f.add(short)
	}
	if len(f.slab) != 3*slabLines || f.sent != 0 {
		t.Fatalf("%d lines not sent: slab of %d, %d sent", 3*slabLines, len(f.slab), f.sent)
	}
	for i, l := range f.slab {
		if l.Cut != i {
			t.Fatalf("line %d of the slab is line %d", i, l.Cut)
		}
	}
}
