package storetest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// CapacityDB is what MeasureCapacity needs of DynamoDB (Local): the
// store's calls and DescribeTable (for the indexes' projections).
type CapacityDB interface {
	dynamo.Client
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// CapacityRow is one store operation's consumed capacity.
type CapacityRow struct {
	Operation string `json:"operation"`
	// Measured is what DynamoDB reported (ReturnConsumedCapacity INDEXES),
	// per table and index ("Referrals", "Referrals/gsi1"): read units for
	// reads, write units for writes.
	Measured map[string]float64 `json:"measured"`
	// Minimum is the least the items the operation must touch cost, by
	// AWS's rules (see docs/data-model.md), per table and index.
	Minimum map[string]float64 `json:"minimum"`
	// Read and Written are the items touched ("<Table>:<type>", sorted);
	// WantRead and WantWritten the ones the operation needs.
	Read        []string `json:"read"`
	Written     []string `json:"written"`
	WantRead    []string `json:"wantRead"`
	WantWritten []string `json:"wantWritten"`
	// Calls are the DynamoDB calls made, in order.
	Calls []string `json:"calls"`
	// Sizes describes the items (type and size in bytes).
	Sizes string `json:"sizes"`
}

// MeasuredTotal and MinimumTotal add up the tables and indexes.
func (r CapacityRow) MeasuredTotal() float64 { return sum(r.Measured) }

// MinimumTotal is the sum of Minimum.
func (r CapacityRow) MinimumTotal() float64 { return sum(r.Minimum) }

func sum(m map[string]float64) float64 {
	var t float64
	for _, v := range m {
		t += v
	}
	return t
}

// MeasureCapacity runs the store's operations once each, the way intake,
// classify and the staff pages use them, on empty tables, and returns what
// each consumed next to the minimum for the items it touched. db must be
// DynamoDB Local (or a scratch account): it writes test data.
func MeasureCapacity(ctx context.Context, db CapacityDB, tables dynamo.Tables) ([]CapacityRow, error) {
	proj, err := projections(ctx, db, tables)
	if err != nil {
		return nil, err
	}
	logical := map[string]string{tables.Referrals: "Referrals", tables.Cases: "Cases", tables.Audit: "Audit", tables.Outbox: "Outbox"}
	meter := NewMeter(db)
	meter.Images = db
	clk := clock.NewFixed(Now)
	s := store.New(meter, tables, clk)
	body := referraltest.Referral()
	ids := referral.IdentifiersOf(body.Person)
	nameKey := referral.NameKey(body.Person.FamilyName, body.Person.DateOfBirth)
	first := NewReferral("cap-r1", "cap-c1", "key-1", Now, ids...)
	first.NameKey, first.AlsoKeys = nameKey, []string{"ref:" + body.AgencyReference}
	first.Audit = append(first.Audit, audit.Entry{ID: "audit-case-cap-c1", At: Now, Actor: "client-1", Action: audit.ActionCaseCreate, Subject: "case:cap-c1", CaseID: "cap-c1"})
	second := attach("cap-r2", "cap-c1", "key-2", Now.Add(time.Hour))
	second.NameKey = nameKey
	cls := referral.Classify(body, Now, Now.Add(time.Minute))
	accept := referral.Decision{ID: "cap-d1", Kind: referral.DecisionAccept, Actor: "staff-1", At: Now.Add(2 * time.Minute), From: referral.StatusClassified, To: referral.StatusAccepted}
	level := referral.LevelChange{ID: "cap-l1", Action: referral.LevelConfirm, Level: cls.SuggestedLevel(), SuggestedLevel: cls.SuggestedLevel(), Actor: "staff-1", At: Now.Add(3 * time.Minute)}
	rag := referral.RAGChange{ID: "cap-g1", RAG: referral.RAGAmber, Reason: "new address", Actor: "staff-1", At: Now.Add(4 * time.Minute)}
	entry := func(id, subject string) []audit.Entry {
		return []audit.Entry{{ID: id, At: clk.Now(), Actor: "staff-1", Action: audit.ActionReferralDecide, Subject: subject}}
	}
	counters := func(n int) []string { return slices.Repeat([]string{"Referrals:counter"}, n) }
	steps := []struct {
		name        string
		read, wrote []string
		run         func() error
	}{
		{"CreateReferral (new case, 3 identifiers, 2 keys, 2 audit entries)", nil,
			[]string{"Referrals:idempotency", "Referrals:idempotency", "Referrals:referral", "Referrals:referral-body",
				"Cases:case", "Cases:case-referral", "Cases:name-key", "Cases:identifier-claim", "Cases:identifier-claim", "Cases:identifier-claim", "Audit:audit", "Audit:audit"},
			func() error { return s.CreateReferral(ctx, first) }},
		{"GetIdempotency (a retried request)", []string{"Referrals:idempotency"}, nil,
			func() error { _, err := s.GetIdempotency(ctx, "police", "key-1"); return err }},
		{"Lookup (intake's reads: 2 keys, 3 identifiers, the name key)", []string{"Referrals:idempotency", "Referrals:idempotency",
			"Cases:identifier-claim", "Cases:identifier-claim", "Cases:identifier-claim", "Cases:name-key"}, nil,
			func() error {
				_, err := s.Lookup(ctx, store.LookupQuery{Scope: "police", Keys: append([]string{first.IdempotencyKey}, first.AlsoKeys...), Identifiers: ids, NameKey: nameKey})
				return err
			}},
		{"FindMatches (3 identifiers and the name key)", []string{"Cases:identifier-claim", "Cases:identifier-claim", "Cases:identifier-claim", "Cases:name-key"}, nil,
			func() error { _, err := s.FindMatches(ctx, ids, nameKey); return err }},
		{"CreateReferral (joins the open case)", nil,
			[]string{"Referrals:idempotency", "Referrals:referral", "Referrals:referral-body", "Cases:case", "Cases:case-referral", "Cases:name-key", "Audit:audit"},
			func() error { return s.CreateReferral(ctx, second) }},
		{"GetReferral", []string{"Referrals:referral", "Referrals:referral-body"}, nil,
			func() error { _, err := s.GetReferral(ctx, "cap-r1"); return err }},
		{"UpdateReferral: classify (email, audit, queue counter, 8 search entries)", []string{"Referrals:referral", "Referrals:referral-body"},
			append([]string{"Referrals:referral", "Referrals:classification", "Cases:case", "Cases:case-classification", "Audit:audit", "Outbox:email", "Referrals:queue-count"},
				slices.Repeat([]string{"Referrals:search-entry"}, 8)...), // CRN, PNC, council number, reference, 2 names each for the person and the alias
			func() error {
				clk.Set(Now.Add(time.Minute))
				_, err := s.UpdateReferral(ctx, "cap-r1", func(r *store.Referral) (store.ReferralEffects, error) {
					r.Status, r.Classification = referral.StatusClassified, &cls
					return store.ReferralEffects{Effects: aggregate.Effects{Audit: entry("audit-cls", "referral:cap-r1"),
						Outbox: []outbox.Message{{ID: "referral-new-cap-r1", To: []string{"inbox@example.gov.uk"}, Subject: "New MAPPA referral", Text: "A new referral.", HTML: "<p>A new referral.</p>", CaseRef: "cap-c1"}}}}, nil
				})
				return err
			}},
		{"UpdateReferral: accept (decision, Board counter, queue counters, audit)", []string{"Referrals:referral", "Referrals:referral-body", "Referrals:classification"},
			append([]string{"Referrals:referral", "Referrals:decision", "Audit:audit", "Referrals:queue-count", "Referrals:queue-count"}, counters(len(report.ForDecision(string(accept.Kind), accept.At)))...),
			func() error {
				clk.Set(accept.At)
				_, err := s.UpdateReferral(ctx, "cap-r1", func(r *store.Referral) (store.ReferralEffects, error) {
					r.Status = referral.StatusAccepted
					return store.ReferralEffects{Decision: &accept, Effects: aggregate.Effects{Audit: entry("audit-acc", "referral:cap-r1")}}, nil
				})
				return err
			}},
		{"ReferralWithHistory", []string{"Referrals:referral", "Referrals:referral-body", "Referrals:classification", "Referrals:decision"}, nil,
			func() error { _, _, err := s.ReferralWithHistory(ctx, "cap-r1"); return err }},
		{"GetSummaries (2 referrals)", []string{"Referrals:referral", "Referrals:referral"}, nil,
			func() error { _, err := s.GetSummaries(ctx, []string{"cap-r1", "cap-r2"}); return err }},
		{"ListReferrals (all, a page holding 2)", []string{"Referrals:referral", "Referrals:referral"}, nil,
			func() error { _, err := s.ListReferrals(ctx, store.ListQuery{}); return err }},
		{"ListReferrals (by status, a page holding 1)", []string{"Referrals:referral"}, nil,
			func() error {
				_, err := s.ListReferrals(ctx, store.ListQuery{Status: referral.StatusReceived})
				return err
			}},
		{"QueueCounts (the counters written so far)", []string{"Referrals:queue-count", "Referrals:queue-count"}, nil,
			func() error { _, err := s.QueueCounts(ctx); return err }},
		{"SearchReferrals (by CRN: one entry, one referral)", []string{"Referrals:search-entry", "Referrals:referral"}, nil,
			func() error { _, err := s.SearchReferrals(ctx, "X123456"); return err }},
		{"GetCase", []string{"Cases:case", "Cases:case-classification"}, nil,
			func() error { _, err := s.GetCase(ctx, "cap-c1"); return err }},
		{"UpdateCase: confirm the level (history, Board counters, audit)", []string{"Cases:case", "Cases:case-classification"},
			append([]string{"Cases:case", "Cases:level-change", "Audit:audit"}, counters(len(report.ForLevel(0, level.Level, level.At)))...),
			func() error {
				clk.Set(level.At)
				_, err := s.UpdateCase(ctx, "cap-c1", func(c *store.Case) (store.CaseEffects, error) {
					c.Level = level.Level
					return store.CaseEffects{Level: &level, Effects: aggregate.Effects{Audit: entry("audit-level", "case:cap-c1")}}, nil
				})
				return err
			}},
		{"UpdateCase: traffic light (history, audit)", []string{"Cases:case", "Cases:case-classification"},
			[]string{"Cases:case", "Cases:rag-change", "Audit:audit"},
			func() error {
				clk.Set(rag.At)
				_, err := s.UpdateCase(ctx, "cap-c1", func(c *store.Case) (store.CaseEffects, error) {
					c.RAG = rag.RAG
					return store.CaseEffects{RAG: &rag, Effects: aggregate.Effects{Audit: entry("audit-rag", "case:cap-c1")}}, nil
				})
				return err
			}},
		{"GetCaseDetail (case, 2 referral links, 1 level, 1 traffic light)", []string{"Cases:case", "Cases:case-classification", "Cases:case-referral", "Cases:case-referral", "Cases:level-change", "Cases:rag-change"}, nil,
			func() error { _, err := s.GetCaseDetail(ctx, "cap-c1", ""); return err }},
	}
	var rows []CapacityRow
	for _, st := range steps {
		meter.Take()
		if err := st.run(); err != nil {
			return nil, fmt.Errorf("%s: %w", st.name, err)
		}
		u := meter.Take()
		row := CapacityRow{Operation: st.name, Measured: map[string]float64{}, Minimum: map[string]float64{}, Calls: u.Calls,
			WantRead: sorted(st.read), WantWritten: sorted(st.wrote)}
		for k, v := range u.Units {
			if name, ok := logicalName(k, logical); ok && v > 0 {
				row.Measured[name] += v
			}
		}
		var sizes []string
		for _, r := range u.Reads {
			t := logical[r.Table]
			var total int
			for _, it := range r.Items {
				row.Read = append(row.Read, t+":"+typeOf(it))
				n := ItemSize(it)
				if r.Index != "" {
					n = proj[r.Table][r.Index].entrySize(it)
				}
				if r.Call == "BatchGetItem" || r.Call == "GetItem" {
					row.Minimum[t] += readUnits(n, r.Consistent)
				}
				total += n
				sizes = append(sizes, fmt.Sprintf("%s %d B read", typeOf(it), n))
			}
			if r.Call == "Query" {
				name := t
				if r.Index != "" {
					name += "/" + r.Index
				}
				row.Minimum[name] += readUnits(total, r.Consistent)
			} else if len(r.Items) == 0 {
				row.Minimum[t] += readUnits(0, r.Consistent)
			}
		}
		for _, w := range u.Writes {
			t := logical[w.Table]
			img := w.After
			if img == nil {
				img = w.Before
			}
			row.Written = append(row.Written, t+":"+typeOf(img))
			b, a := ItemSize(w.Before), ItemSize(w.After)
			row.Minimum[t] += 2 * writeUnits(max(b, a))
			sizes = append(sizes, fmt.Sprintf("%s %d B written", typeOf(img), max(b, a)))
			for _, ix := range slices.Sorted(maps.Keys(proj[w.Table])) {
				if n := proj[w.Table][ix].writeUnits(w.Before, w.After); n > 0 {
					row.Minimum[t+"/"+ix] += 2 * n
				}
			}
		}
		row.Read, row.Written = sorted(row.Read), sorted(row.Written)
		row.Sizes = strings.Join(sizes, ", ")
		rows = append(rows, row)
	}
	return rows, nil
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func logicalName(k string, logical map[string]string) (string, bool) {
	table, index, _ := strings.Cut(k, "/")
	name, ok := logical[table]
	if !ok {
		return "", false
	}
	if index != "" {
		name += "/" + index
	}
	return name, true
}

func typeOf(it dynamo.Item) string {
	if v, ok := it["type"].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return "?"
}

// readUnits: 1 unit per 4 KB read consistently (at least one), half that
// eventually consistent.
func readUnits(n int, consistent bool) float64 {
	u := math.Max(1, math.Ceil(float64(n)/4096))
	if !consistent {
		u /= 2
	}
	return u
}

// writeUnits: 1 unit per 1 KB written (at least one); 0 for nothing.
func writeUnits(n int) float64 {
	if n == 0 {
		return 0
	}
	return math.Max(1, math.Ceil(float64(n)/1024))
}

// ---- item sizes (AWS: "Item sizes and formats")

// ItemSize is an item's size by DynamoDB's rules: each attribute's name
// and value.
func ItemSize(it dynamo.Item) int {
	n := 0
	for name, v := range it {
		n += len(name) + attrSize(v)
	}
	return n
}

func attrSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return numberSize(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += numberSize(s)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + attrSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += 1 + len(k) + attrSize(e)
		}
		return n
	}
	return 0
}

// numberSize: one byte per two significant digits, plus one.
func numberSize(s string) int {
	s = strings.TrimLeft(strings.TrimPrefix(s, "-"), "0")
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
	}
	s = strings.ReplaceAll(s, ".", "")
	s = strings.TrimLeft(s, "0")
	return (len(s)+1)/2 + 1
}

// ---- index projections

type projection struct {
	keys    []string // the index's key attributes
	all     bool
	include []string
}

// projections reads each table's global secondary indexes.
func projections(ctx context.Context, db CapacityDB, tables dynamo.Tables) (map[string]map[string]projection, error) {
	out := map[string]map[string]projection{}
	for _, t := range []string{tables.Referrals, tables.Cases, tables.Audit, tables.Outbox} {
		d, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t)})
		if err != nil {
			return nil, fmt.Errorf("storetest: describe %s: %w", t, err)
		}
		out[t] = map[string]projection{}
		for _, g := range d.Table.GlobalSecondaryIndexes {
			p := projection{}
			for _, k := range g.KeySchema {
				p.keys = append(p.keys, aws.ToString(k.AttributeName))
			}
			if g.Projection != nil {
				p.all = g.Projection.ProjectionType == types.ProjectionTypeAll
				p.include = g.Projection.NonKeyAttributes
			}
			out[t][aws.ToString(g.IndexName)] = p
		}
	}
	return out, nil
}

// entry is the item's index entry (nil if the item is not in the index).
func (p projection) entry(it dynamo.Item) dynamo.Item {
	if it == nil {
		return nil
	}
	e := dynamo.Item{"pk": it["pk"], "sk": it["sk"]}
	for _, k := range p.keys {
		v, ok := it[k]
		if !ok {
			return nil
		}
		e[k] = v
	}
	for name, v := range it {
		if p.all || slices.Contains(p.include, name) {
			e[name] = v
		}
	}
	return e
}

// entrySize is the index entry's size: its attributes and 100 bytes.
func (p projection) entrySize(it dynamo.Item) int {
	e := p.entry(it)
	if e == nil {
		return 0
	}
	return ItemSize(e) + 100
}

// writeUnits is what a write from before to after costs the index: a put
// or delete of an entry, an update in place if a projected attribute
// changed, a delete and a put if the index key did.
func (p projection) writeUnits(before, after dynamo.Item) float64 {
	b, a := p.entry(before), p.entry(after)
	switch {
	case b == nil && a == nil:
		return 0
	case b == nil:
		return writeUnits(ItemSize(a) + 100)
	case a == nil:
		return writeUnits(ItemSize(b) + 100)
	}
	for _, k := range p.keys {
		if !equal(b[k], a[k]) {
			return writeUnits(ItemSize(b)+100) + writeUnits(ItemSize(a)+100)
		}
	}
	if len(a) == len(b) {
		same := true
		for k, v := range a {
			if !equal(v, b[k]) {
				same = false
				break
			}
		}
		if same {
			return 0
		}
	}
	return writeUnits(max(ItemSize(a), ItemSize(b)) + 100)
}

func equal(a, b types.AttributeValue) bool {
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b) || attrString(a) == attrString(b)
}

func attrString(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return "S:" + v.Value
	case *types.AttributeValueMemberN:
		return "N:" + v.Value
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprint("BOOL:", v.Value)
	case *types.AttributeValueMemberSS:
		s := slices.Clone(v.Value)
		slices.Sort(s)
		return "SS:" + strings.Join(s, "\x00")
	}
	return fmt.Sprintf("%T%v", v, v)
}

// CapacityMarkdown is rows as the table in docs/data-model.md.
func CapacityMarkdown(rows []CapacityRow) string {
	var b strings.Builder
	b.WriteString("| operation | DynamoDB calls | measured units | minimum units | items touched |\n|---|---|---|---|---|\n")
	f := func(m map[string]float64) string {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			parts = append(parts, fmt.Sprintf("%s %g", k, m[k]))
		}
		return strings.Join(parts, ", ")
	}
	for _, r := range rows {
		var items []string
		if len(r.Read) > 0 {
			items = append(items, "read "+counted(r.Read))
		}
		if len(r.Written) > 0 {
			items = append(items, "written "+counted(r.Written))
		}
		fmt.Fprintf(&b, "| %s | %s | **%g** (%s) | **%g** (%s) | %s |\n", r.Operation, strings.Join(r.Calls, ", "),
			r.MeasuredTotal(), f(r.Measured), r.MinimumTotal(), f(r.Minimum), strings.Join(items, "; "))
	}
	return b.String()
}

// counted is "Referrals:referral ×2, ...".
func counted(items []string) string {
	var parts []string
	for i := 0; i < len(items); {
		j := i
		for j < len(items) && items[j] == items[i] {
			j++
		}
		if j-i > 1 {
			parts = append(parts, fmt.Sprintf("%s ×%d", items[i], j-i))
		} else {
			parts = append(parts, items[i])
		}
		i = j
	}
	return strings.Join(parts, ", ")
}
