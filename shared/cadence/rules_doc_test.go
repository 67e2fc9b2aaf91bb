package cadence

import (
	"os"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/eligibility"
)

// DocRow is the line docs/rules.md holds for rule r.
func DocRow(r eligibility.Rule) string {
	kind := ""
	if r.Policy {
		kind = "product policy"
	}
	return "| `" + r.ID + "` | " + r.Summary + " | " + r.Source + " | " + kind + " |"
}

// TestRulesDocument checks docs/rules.md has exactly one row per rule, the
// same as the code says, so the document and the engine cannot drift.
func TestRulesDocument(t *testing.T) {
	b, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	all := append(append([]eligibility.Rule{}, eligibility.Rules...), Rules...)
	for _, r := range all {
		row := DocRow(r)
		if n := strings.Count(doc, row); n != 1 {
			t.Errorf("docs/rules.md has %d copies of the row for %s; it should read:\n%s", n, r.ID, row)
		}
	}
	known := map[string]bool{}
	for _, r := range all {
		known[r.ID] = true
	}
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "| `") {
			id := strings.SplitN(line, "`", 3)[1]
			if !known[id] {
				t.Errorf("docs/rules.md lists %s, which the code does not have", id)
			}
		}
	}
	if os.Getenv("PRINT_RULE_ROWS") != "" {
		for _, r := range all {
			t.Log(DocRow(r))
		}
	}
}
