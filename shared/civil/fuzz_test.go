package civil

import (
	"encoding/json"
	"testing"
)

// FuzzParseDate: any string either fails or gives a real date that prints
// back as itself; the JSON decoder agrees with Parse.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-23", "1988-02-30", "0000-01-01", "9999-12-31", "2026-1-1", "", "2026-11-23T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if got, err := Parse(d.String()); err != nil || got != d {
			t.Fatalf("%q -> %v does not round-trip: %v %v", s, d, got, err)
		}
		q, _ := json.Marshal(s)
		var j Date
		if err := json.Unmarshal(q, &j); err != nil || j != d {
			t.Fatalf("JSON %s -> %v %v, Parse -> %v", q, j, err, d)
		}
	})
}
