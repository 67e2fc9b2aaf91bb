package store

import (
	"strings"
	"testing"
)

// FuzzDecodeListCursor: a cursor from a client can never steer a query to
// another list or another kind of item: whatever decodes names the listed
// list, one position per shard, and each position is empty, finished or
// an urgency key ending in a referral id of safe characters.
func FuzzDecodeListCursor(f *testing.F) {
	good := encodeListCursor(listCursor{List: "STATUS#received", Pos: []string{"", "-", "0#2026-12-01#10:00#2026-11-23T10:00:00.000000000Z#r1", "1#2026-11-23T10:00:00.000000000Z#r2"}})
	for _, s := range []string{good, "", "bm9wZQ", "eyJwayI6IkNBU0UjMSJ9", strings.Repeat("A", 400)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		cur, err := decodeListCursor(c, "STATUS#received")
		if err != nil {
			return
		}
		if cur.List != "STATUS#received" || len(cur.Pos) != ListShards {
			t.Fatalf("cursor %q steers the query to %+v", c, cur)
		}
		for _, p := range cur.Pos {
			if p != "" && p != shardDone && urgencyID(p) == "" {
				t.Fatalf("cursor %q holds position %q", c, p)
			}
		}
	})
}
