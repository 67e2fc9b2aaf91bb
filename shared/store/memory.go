package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
	"github.com/mappa-coordinator/mappa/shared/risk"
)

// Memory is the one in-memory stand-in for Store, for the unit tests of
// the packages that use the store (each through its own small interface).
// It keeps the same items (built and read by the same mapping code as
// Store) and enforces, itself, the same conditions: create-only items,
// the version read, open cases, identifier claims, create-only effects,
// retry after a lost race. The contract suite (shared/store/storetest)
// runs against both Store on DynamoDB Local and Memory, which is what
// shows the two agree. There is no other store fake.
//
// Effects (audit entries, outbox messages, Also) are kept as the items
// Store would write; a Put conditional on attribute_not_exists(pk) is
// create-only here too, writes without a condition are kept as they are,
// and any other condition is refused (Memory does not evaluate it).
type Memory struct {
	mu     sync.Mutex
	tables dynamo.Tables
	clock  clock.Clock
	retry  dynamo.Backoff
	// items: table -> pk -> sk -> item.
	items map[string]map[dynamo.PK]map[dynamo.SK]item
	// written: the effect items (audit, outbox, Also puts) in write order.
	written []Written
}

// Written is one effect item Memory stored: its table and item.
type Written struct {
	Table string
	Item  map[string]types.AttributeValue
}

// MemoryTables are the table names a Memory uses.
var MemoryTables = dynamo.Tables{Cases: "cases", Referrals: "referrals", Outbox: "outbox", Audit: "audit", Rota: "rota", Meetings: "meetings"}

// NewMemory returns an empty Memory telling the time by clk (nil: the
// system clock).
func NewMemory(clk clock.Clock) *Memory {
	if clk == nil {
		clk = clock.System{}
	}
	return &Memory{tables: MemoryTables, clock: clk, retry: dynamo.Backoff{Attempts: dynamo.DefaultBackoff.Attempts, Base: 100_000, Max: 1_000_000},
		items: map[string]map[dynamo.PK]map[dynamo.SK]item{}}
}

// Tables returns the table names the effects are written to.
func (m *Memory) Tables() dynamo.Tables { return m.tables }

// Written returns the effect items stored in table (audit entries, outbox
// messages, Also puts), oldest first.
func (m *Memory) Written(table string) []map[string]types.AttributeValue {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []map[string]types.AttributeValue
	for _, w := range m.written {
		if w.Table == table {
			out = append(out, w.Item)
		}
	}
	return out
}

// ---- the in-memory tables (callers hold mu)

func (m *Memory) lookup(table string, k dynamo.Key) (item, bool) {
	it, ok := m.items[table][k.PK][k.SK]
	return it, ok
}

func (m *Memory) store(table string, it item) {
	k := dynamo.KeyOf(it)
	if m.items[table] == nil {
		m.items[table] = map[dynamo.PK]map[dynamo.SK]item{}
	}
	if m.items[table][k.PK] == nil {
		m.items[table][k.PK] = map[dynamo.SK]item{}
	}
	m.items[table][k.PK][k.SK] = it
}

func (m *Memory) remove(table string, k dynamo.Key) {
	delete(m.items[table][k.PK], k.SK)
}

// partition returns the items of one partition in sort key order, from
// sort keys beginning with prefix.
func (m *Memory) partition(table string, pk dynamo.PK, prefix string) []item {
	part := m.items[table][pk]
	sks := make([]string, 0, len(part))
	for sk := range part {
		if strings.HasPrefix(string(sk), prefix) {
			sks = append(sks, string(sk))
		}
	}
	slices.Sort(sks)
	out := make([]item, len(sks))
	for i, sk := range sks {
		out[i] = part[dynamo.SK(sk)]
	}
	return out
}

// tx is one all-or-nothing write: conditions are checked first (under
// mu), then every write is applied.
type tx struct {
	m      *Memory
	writes []func()
	keys   map[string]bool
	dup    bool
}

func (m *Memory) begin() *tx { return &tx{m: m, keys: map[string]bool{}} }

// touch notes that the transaction writes k in table; DynamoDB refuses a
// transaction that names one item twice.
func (t *tx) touch(table string, k dynamo.Key) {
	id := table + "\x00" + string(k.PK) + "\x00" + string(k.SK)
	if t.keys[id] {
		t.dup = true
	}
	t.keys[id] = true
}

func (t *tx) put(table string, it item) {
	t.touch(table, dynamo.KeyOf(it))
	t.writes = append(t.writes, func() { t.m.store(table, it) })
}

func (t *tx) del(table string, k dynamo.Key) {
	t.touch(table, k)
	t.writes = append(t.writes, func() { t.m.remove(table, k) })
}

// effects adds the effect items and reports whether every create-only
// one is new.
func (t *tx) effects(items []types.TransactWriteItem) (ok bool, err error) {
	ok = true
	for _, ti := range items {
		switch {
		case ti.Put != nil:
			table, it := aws.ToString(ti.Put.TableName), ti.Put.Item
			switch cond := aws.ToString(ti.Put.ConditionExpression); cond {
			case "attribute_not_exists(pk)":
				if _, exists := t.m.lookup(table, dynamo.KeyOf(it)); exists {
					ok = false
				}
			case "":
			default:
				return false, fmt.Errorf("store: memory: effect condition %q is not supported", cond)
			}
			t.put(table, it)
			t.writes = append(t.writes, func() { t.m.written = append(t.m.written, Written{Table: table, Item: it}) })
		case ti.Update != nil && ti.Update.ConditionExpression == nil:
			// Counters (shared/reportstore): nothing here reads them.
			t.touch(aws.ToString(ti.Update.TableName), dynamo.KeyOf(ti.Update.Key))
		default:
			return false, errors.New("store: memory: a conditional update, delete or condition check among the effects is not supported")
		}
	}
	return ok, nil
}

func (t *tx) commit() error {
	if t.dup {
		return errors.New("store: transaction: ValidationException: Transaction request cannot include multiple operations on one item")
	}
	for _, w := range t.writes {
		w()
	}
	return nil
}

// ---------------------------------------------------------------- intake

// GetIdempotency is Store.GetIdempotency.
func (m *Memory) GetIdempotency(ctx context.Context, scope, key string) (Idempotency, error) {
	if err := ctx.Err(); err != nil {
		return Idempotency{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.lookup(m.tables.Referrals, idempotencyKey(scope, key))
	if !ok {
		return Idempotency{}, ErrNotFound
	}
	return idempotencyFrom(it), nil
}

// FindMatches is Store.FindMatches.
func (m *Memory) FindMatches(ctx context.Context, ids []referral.Identifier, nameKey string) (referral.Matches, error) {
	l, err := m.Lookup(ctx, LookupQuery{Identifiers: ids, NameKey: nameKey})
	return l.Matches, err
}

// Lookup is Store.Lookup.
func (m *Memory) Lookup(ctx context.Context, q LookupQuery) (Lookup, error) {
	l := Lookup{Idempotency: make([]*Idempotency, len(q.Keys)), Matches: referral.Matches{Claimed: map[referral.Identifier]string{}}}
	if err := ctx.Err(); err != nil {
		return l, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, key := range q.Keys {
		if it, ok := m.lookup(m.tables.Referrals, idempotencyKey(q.Scope, key)); ok {
			rec := idempotencyFrom(it)
			l.Idempotency[i] = &rec
		}
	}
	for _, id := range q.Identifiers {
		if it, ok := m.lookup(m.tables.Cases, claimKey(id)); ok {
			l.Matches.Claimed[id] = str(it, "caseId")
		}
	}
	if q.NameKey != "" {
		for _, it := range m.partition(m.tables.Cases, nameIndexKey(q.NameKey, "").PK, "CASE#") {
			l.Matches.ByNameAndBirth = append(l.Matches.ByNameAndBirth, str(it, "caseId"))
		}
	}
	return l, nil
}

// CreateReferral is Store.CreateReferral, with its conditions.
func (m *Memory) CreateReferral(ctx context.Context, nr NewReferral) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := nr.Referral
	t := m.tables
	refItem, err := referralStateItem(r)
	if err != nil {
		return err
	}
	bodyItem, err := referralBodyItem(r)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var idemTaken, matchChanged, collision, closed bool
	exists := func(table string, k dynamo.Key) bool { _, ok := m.lookup(table, k); return ok }
	x := m.begin()
	for _, key := range append([]string{nr.IdempotencyKey}, nr.AlsoKeys...) {
		k := idempotencyKey(nr.IdempotencyScope, key)
		idemTaken = idemTaken || exists(t.Referrals, k)
		x.put(t.Referrals, idempotencyItem(nr.IdempotencyScope, key, r))
	}
	collision = exists(t.Referrals, referralKey(r.ID)) || exists(t.Referrals, referralBodyKey(r.ID))
	x.put(t.Referrals, refItem)
	x.put(t.Referrals, bodyItem)

	var nameKeys []string
	if nr.NameKey != "" {
		nameKeys = []string{nr.NameKey}
	}
	sets := identifierSets(nr.Claim)
	if nr.NewCase {
		matchChanged = exists(t.Cases, caseKey(r.CaseID))
		c := Case{
			ID: r.CaseID, Status: CaseOpen, Person: r.Body.Person, Risk: r.Body.CurrentRisk.Highest(),
			CRNs: sets["crns"], PNCs: sets["pncs"], CouncilNumbers: sets["councilNumbers"], NameKeys: nameKeys,
			Version: 1, CreatedAt: r.CreatedAt, UpdatedAt: r.CreatedAt,
		}
		ci, err := caseItem(c)
		if err != nil {
			return err
		}
		x.put(t.Cases, ci)
	} else {
		it, ok := m.lookup(t.Cases, caseKey(r.CaseID))
		var c Case
		if ok {
			if c, err = caseFrom(it); err != nil {
				return err
			}
		}
		if !ok || c.Status != CaseOpen {
			closed = ok && c.Status == CaseClosed
			matchChanged = true
		} else {
			if nameKeys != nil {
				sets["nameKeys"] = nameKeys
			}
			ci, err := caseItem(touched(c, r.CreatedAt, sets, r.Body.CurrentRisk.Highest()))
			if err != nil {
				return err
			}
			x.put(t.Cases, ci)
		}
	}
	x.put(t.Cases, caseReferralItem(r.CaseID, CaseReferral{ReferralID: r.ID, ReceivedAt: r.CreatedAt, Agency: r.Agency}))
	if nr.NameKey != "" {
		x.put(t.Cases, nameIndexItem(nr.NameKey, r.CaseID))
	}
	for _, id := range nr.Claim {
		matchChanged = matchChanged || exists(t.Cases, claimKey(id))
		x.put(t.Cases, claimItem(id, r.CaseID, r.CreatedAt))
	}
	fresh, err := x.effects(aggregate.Effects{Audit: nr.Audit}.Items(t.Audit, t.Outbox, r.CreatedAt))
	if err != nil {
		return err
	}
	switch {
	case x.dup:
		return x.commit()
	case idemTaken:
		return ErrIdempotencyTaken
	case closed:
		return &ClosedCaseError{CaseID: r.CaseID}
	case matchChanged:
		return ErrMatchChanged
	case collision || !fresh:
		return fmt.Errorf("%w: id collision", ErrMatchChanged)
	}
	return x.commit()
}

// touched is what caseTouch does to c: version +1, identifiers and name
// keys added, the risk set when there is one.
func touched(c Case, now time.Time, sets map[string][]string, rosh risk.Level) Case {
	add := func(to []string, vs []string) []string {
		for _, v := range vs {
			if !slices.Contains(to, v) {
				to = append(to, v)
			}
		}
		slices.Sort(to)
		return to
	}
	c.CRNs, c.PNCs = add(c.CRNs, sets["crns"]), add(c.PNCs, sets["pncs"])
	c.CouncilNumbers, c.NameKeys = add(c.CouncilNumbers, sets["councilNumbers"]), add(c.NameKeys, sets["nameKeys"])
	if rosh != "" {
		c.Risk = rosh
	}
	c.Version++
	c.UpdatedAt = now
	return c
}

// ---------------------------------------------------------------- referrals

func (m *Memory) readReferral(id string) (Referral, error) {
	m.mu.Lock()
	items := m.partition(m.tables.Referrals, referralKey(id).PK, "REFERRAL")
	m.mu.Unlock()
	r, found, err := referralFrom(items)
	if err != nil {
		return Referral{}, err
	}
	if !found {
		return Referral{}, fmt.Errorf("store: referral %s: %w", id, ErrNotFound)
	}
	return r, nil
}

// GetReferral is Store.GetReferral.
func (m *Memory) GetReferral(ctx context.Context, id string) (Referral, error) {
	if err := ctx.Err(); err != nil {
		return Referral{}, err
	}
	return m.readReferral(id)
}

// ReferralWithHistory is Store.ReferralWithHistory.
func (m *Memory) ReferralWithHistory(ctx context.Context, id string) (Referral, []referral.Decision, error) {
	if err := ctx.Err(); err != nil {
		return Referral{}, nil, err
	}
	m.mu.Lock()
	items := m.partition(m.tables.Referrals, referralKey(id).PK, "")
	m.mu.Unlock()
	r, found, err := referralFrom(items)
	if err != nil {
		return Referral{}, nil, err
	}
	if !found {
		return Referral{}, nil, fmt.Errorf("store: referral %s: %w", id, ErrNotFound)
	}
	var hist []referral.Decision
	for _, it := range items {
		if str(it, "type") == typeDecision {
			hist = append(hist, decisionFrom(it))
		}
	}
	return r, hist, nil
}

// GetSummaries is Store.GetSummaries.
func (m *Memory) GetSummaries(ctx context.Context, ids []string) (map[string]Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]Summary{}
	for _, id := range ids {
		if it, ok := m.lookup(m.tables.Referrals, referralKey(id)); ok {
			s, err := summaryFrom(it)
			if err != nil {
				return nil, err
			}
			out[s.ID] = s
		}
	}
	return out, nil
}

// UpdateReferral is Store.UpdateReferral: read once, run fn, commit all or
// nothing on the version read, read again after a lost race.
func (m *Memory) UpdateReferral(ctx context.Context, id string, fn func(*Referral) (ReferralEffects, error)) (Referral, error) {
	var out Referral
	err := aggregate.Loop(ctx, m.retry, func(ctx context.Context) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := m.readReferral(id)
		if err != nil {
			return err
		}
		before := r
		eff, err := fn(&r)
		if err != nil {
			return aggregate.Abort(err)
		}
		r.ID, r.Body, r.BodyHash, r.CreatedAt = before.ID, before.Body, before.BodyHash, before.CreatedAt
		r.Version = before.Version + 1
		r.UpdatedAt = m.clock.Now()
		state, err := referralStateItem(r)
		if err != nil {
			return err
		}
		t := m.tables
		m.mu.Lock()
		defer m.mu.Unlock()
		if cur, ok := m.lookup(t.Referrals, referralKey(id)); !ok || num(cur, "version") != before.Version {
			return aggregate.ErrLostRace
		}
		x := m.begin()
		x.put(t.Referrals, state)
		writes, effectOK := 1, true
		writes += len((&Store{}).countMove(r.ID, before.Status, r.Status)) // the queue's counters
		if before.Classification == nil && r.Classification != nil {
			ci, err := classificationItem(r.ID, r.Classification)
			if err != nil {
				return err
			}
			if _, exists := m.lookup(t.Referrals, referralClassificationKey(r.ID)); exists {
				effectOK = false
			}
			x.put(t.Referrals, ci)
			for _, it := range searchEntryItems(r) { // the queue's search entries
				x.put(t.Referrals, it)
				writes++
			}
			if cit, ok := m.lookup(t.Cases, caseKey(r.CaseID)); !ok {
				effectOK = false
			} else {
				c, err := caseFrom(cit)
				if err != nil {
					return err
				}
				c.Classification, c.Version, c.UpdatedAt = r.Classification, c.Version+1, r.UpdatedAt
				ci, err := caseItem(c)
				if err != nil {
					return err
				}
				cc, err := caseClassificationItem(c.ID, r.Classification)
				if err != nil {
					return err
				}
				x.put(t.Cases, ci)
				x.put(t.Cases, cc)
			}
			writes += 3
		}
		if d := eff.Decision; d != nil {
			di := decisionItem(r.ID, *d)
			if _, exists := m.lookup(t.Referrals, dynamo.KeyOf(di)); exists {
				effectOK = false
			}
			x.put(t.Referrals, di)
			writes++
			if !strings.HasPrefix(string(d.Kind), "match:") {
				writes += len(reportstore.Increments(t.Referrals, report.ForDecision(string(d.Kind), d.At)))
			}
		}
		if eff.Accept && r.CaseID != "" {
			if cit, ok := m.lookup(t.Cases, caseKey(r.CaseID)); !ok {
				effectOK = false
			} else {
				c, err := caseFrom(cit)
				if err != nil {
					return err
				}
				if c.AcceptedAt.IsZero() {
					c.AcceptedAt = r.UpdatedAt
				}
				c.Version, c.UpdatedAt = c.Version+1, r.UpdatedAt
				ci, err := caseItem(c)
				if err != nil {
					return err
				}
				x.put(t.Cases, ci)
			}
			writes++
		}
		if eff.MergeInto != "" {
			n, err := m.merge(x, before, eff.MergeInto, r.UpdatedAt)
			if err != nil {
				return aggregate.Abort(err)
			}
			writes += n
		}
		effItems := eff.Items(t.Audit, t.Outbox, r.UpdatedAt)
		fresh, err := x.effects(effItems)
		if err != nil {
			return aggregate.Abort(err)
		}
		if writes += len(effItems); writes > 100 {
			return aggregate.Abort(fmt.Errorf("store: change to referral %s needs %d writes, more than one transaction holds", id, writes))
		}
		if !effectOK || !fresh {
			return &aggregate.EffectError{Err: errors.New("store: memory: an effect's condition failed")}
		}
		if err := x.commit(); err != nil {
			return err
		}
		out = r
		return nil
	})
	if errors.Is(err, aggregate.ErrConflict) || errors.Is(err, aggregate.ErrEffect) {
		return Referral{}, fmt.Errorf("referral %s: %w: %w", id, ErrVersionConflict, err)
	}
	return out, err
}

// merge adds to x the writes of mergeWrites (callers hold mu, so what it
// reads cannot change before x commits) and returns how many there are.
func (m *Memory) merge(x *tx, r Referral, targetID string, now time.Time) (int, error) {
	t := m.tables
	if targetID == r.CaseID {
		return 0, fmt.Errorf("referral %s: target is its own case: %w", r.ID, ErrVersionConflict)
	}
	provIt, ok := m.lookup(t.Cases, caseKey(r.CaseID))
	if !ok {
		return 0, fmt.Errorf("store: case %s: %w", r.CaseID, ErrNotFound)
	}
	prov, err := caseFrom(provIt)
	if err != nil {
		return 0, err
	}
	targetIt, ok := m.lookup(t.Cases, caseKey(targetID))
	if !ok {
		return 0, fmt.Errorf("store: case %s: %w", targetID, ErrNotFound)
	}
	target, err := caseFrom(targetIt)
	if err != nil {
		return 0, err
	}
	if target.Status != CaseOpen {
		return 0, fmt.Errorf("case %s: %w", target.ID, ErrNotOpen)
	}
	if prov.Status != CaseOpen {
		return 0, fmt.Errorf("case %s: %w", prov.ID, ErrVersionConflict)
	}
	n := 0
	for _, it := range m.partition(t.Cases, caseKey(prov.ID).PK, "REFERRAL#") {
		l := caseReferralFrom(it)
		x.del(t.Cases, caseReferralKey(prov.ID, l.ReceivedAt, l.ReferralID))
		x.put(t.Cases, caseReferralItem(target.ID, l))
		n += 2
		if l.ReferralID == r.ID {
			continue
		}
		other, ok := m.lookup(t.Referrals, referralKey(l.ReferralID))
		if !ok || str(other, "caseId") != prov.ID {
			return 0, &aggregate.EffectError{Err: errors.New("store: memory: a linked referral moved")}
		}
		moved := make(item, len(other))
		for k, v := range other {
			moved[k] = v
		}
		moved["caseId"], moved["version"], moved["updatedAt"] = dynamo.S(target.ID), dynamo.N(int64(num(other, "version")+1)), dynamo.S(stamp(now))
		x.put(t.Referrals, moved)
		n++
	}
	merged := prov
	merged.Status, merged.MergedInto, merged.Version, merged.UpdatedAt = CaseMerged, target.ID, prov.Version+1, now
	mi, err := caseItem(merged)
	if err != nil {
		return 0, err
	}
	x.put(t.Cases, mi)
	sets := identifierSets(prov.Identifiers())
	if len(prov.NameKeys) > 0 {
		sets["nameKeys"] = prov.NameKeys
	}
	ti, err := caseItem(touched(target, now, sets, prov.Risk))
	if err != nil {
		return 0, err
	}
	x.put(t.Cases, ti)
	n += 2
	for _, id := range prov.Identifiers() {
		cl, ok := m.lookup(t.Cases, claimKey(id))
		if !ok || str(cl, "caseId") != prov.ID {
			return 0, &aggregate.EffectError{Err: errors.New("store: memory: a claim moved")}
		}
		moved := make(item, len(cl))
		for k, v := range cl {
			moved[k] = v
		}
		moved["caseId"] = dynamo.S(target.ID)
		x.put(t.Cases, moved)
		n++
	}
	for _, k := range prov.NameKeys {
		x.del(t.Cases, nameIndexKey(k, prov.ID))
		x.put(t.Cases, nameIndexItem(k, target.ID))
		n += 2
	}
	return n, nil
}

// ---------------------------------------------------------------- lists

// ListReferrals is Store.ListReferrals: most urgent first (UrgencyKey),
// by status or all, in pages continued by a cursor that only this list
// accepts; Next only when more rows follow.
func (m *Memory) ListReferrals(ctx context.Context, q ListQuery) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 25
	}
	limit = min(limit, 100)
	list := "ALL"
	if q.Status != "" {
		list = "STATUS#" + string(q.Status)
	}
	after := ""
	if q.Cursor != "" {
		var ok bool
		if list, after, ok = decodeMemoryCursor(q.Cursor, list); !ok {
			return Page{}, ErrBadCursor
		}
	}
	rows, err := m.summaries(func(s Summary) bool { return q.Status == "" || s.Status == q.Status })
	if err != nil {
		return Page{}, err
	}
	SortByUrgency(rows)
	var p Page
	for i, s := range rows {
		if after != "" && s.UrgencyKey() <= after {
			continue
		}
		p.Referrals = append(p.Referrals, s)
		if len(p.Referrals) == limit {
			if i < len(rows)-1 {
				p.Next = encodeMemoryCursor(list, s.UrgencyKey())
			}
			break
		}
	}
	return p, nil
}

// summaries are the summaries of every referral keep says to keep.
func (m *Memory) summaries(keep func(Summary) bool) ([]Summary, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var rows []Summary
	for _, part := range m.items[m.tables.Referrals] {
		if it, ok := part["REFERRAL"]; ok && str(it, "type") == typeReferral {
			s, err := summaryFrom(it)
			if err != nil {
				return nil, err
			}
			if keep(s) {
				rows = append(rows, s)
			}
		}
	}
	return rows, nil
}

// QueueCounts is Store.QueueCounts (counted from the referrals themselves:
// the counters Store keeps must agree with them, which the contract shows).
func (m *Memory) QueueCounts(ctx context.Context) (map[referral.Status]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := map[referral.Status]int{}
	for _, st := range referral.Statuses {
		out[st] = 0
	}
	rows, err := m.summaries(func(Summary) bool { return true })
	for _, r := range rows {
		out[r.Status]++
	}
	return out, err
}

// SearchReferrals is Store.SearchReferrals, over the same search entries.
func (m *Memory) SearchReferrals(ctx context.Context, text string) (SearchResult, error) {
	if err := ctx.Err(); err != nil {
		return SearchResult{}, err
	}
	var ids []string
	more := false
	m.mu.Lock()
	for _, part := range SearchPartitions(text) {
		items := m.partition(m.tables.Referrals, dynamo.PK("FIND#"+part), "REFERRAL#")
		if len(items) > SearchLimit {
			more = true
			items = items[len(items)-SearchLimit:] // the newest
		}
		for _, it := range items {
			ids = append(ids, str(it, "referralId"))
		}
	}
	m.mu.Unlock()
	return searchResult(ctx, ids, more, m.GetSummaries)
}

// ReferralsOfCases is Store.ReferralsOfCases.
func (m *Memory) ReferralsOfCases(ctx context.Context, caseIDs []string) ([]Summary, error) {
	if len(caseIDs) > MaxScopeCases {
		return nil, fmt.Errorf("store: %d cases is more than the %d one list reads", len(caseIDs), MaxScopeCases)
	}
	var ids []string
	m.mu.Lock()
	for _, c := range caseIDs {
		for _, it := range m.partition(m.tables.Cases, caseKey(c).PK, "REFERRAL#") {
			ids = append(ids, str(it, "referralId"))
		}
	}
	m.mu.Unlock()
	slices.Sort(ids)
	ids = slices.Compact(ids)
	sums, err := m.GetSummaries(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(sums))
	for _, id := range ids {
		if r, ok := sums[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func encodeMemoryCursor(list, after string) string {
	return encodeCursor(item{"list": dynamo.S(list), "after": dynamo.S(after)})
}

func decodeMemoryCursor(c, list string) (string, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", false
	}
	var start map[string]string
	if err := json.Unmarshal(b, &start); err != nil || start["list"] != list || start["after"] == "" || len(start) != 2 {
		return "", "", false
	}
	return list, start["after"], true
}

// ---------------------------------------------------------------- cases

// GetCase is Store.GetCase.
func (m *Memory) GetCase(ctx context.Context, id string) (Case, error) {
	if err := ctx.Err(); err != nil {
		return Case{}, err
	}
	m.mu.Lock()
	c, found, err := caseFromItems(m.partition(m.tables.Cases, caseKey(id).PK, "CASE"))
	m.mu.Unlock()
	if err != nil {
		return Case{}, err
	}
	if !found {
		return Case{}, fmt.Errorf("store: case %s: %w", id, ErrNotFound)
	}
	return c, nil
}

// GetCaseDetail is Store.GetCaseDetail: one page of CaseHistoryPage items
// of the case's partition.
func (m *Memory) GetCaseDetail(ctx context.Context, id, cursor string) (CaseDetail, error) {
	if err := ctx.Err(); err != nil {
		return CaseDetail{}, err
	}
	pk := caseKey(id).PK
	var d CaseDetail
	after := ""
	found := false
	if cursor != "" {
		start, err := decodeCaseCursor(cursor, pk)
		if err != nil {
			return CaseDetail{}, err
		}
		after = str(start, "sk")
		if d.Case, err = m.GetCase(ctx, id); err != nil {
			return CaseDetail{}, err
		}
		found = true
	}
	m.mu.Lock()
	items := m.partition(m.tables.Cases, pk, "")
	m.mu.Unlock()
	if after != "" {
		i := slices.IndexFunc(items, func(it item) bool { return str(it, "sk") > after })
		if i < 0 {
			i = len(items)
		}
		items = items[i:]
	}
	if len(items) > CaseHistoryPage {
		items = items[:CaseHistoryPage]
		d.Next = encodeCursor(dynamo.KeyOf(items[len(items)-1]).Attrs())
	} else if len(items) == CaseHistoryPage {
		d.Next = encodeCursor(dynamo.KeyOf(items[len(items)-1]).Attrs())
	}
	if c, ok, err := caseFromItems(items); err != nil {
		return CaseDetail{}, err
	} else if ok {
		d.Case, found = c, true
	}
	for _, it := range items {
		switch str(it, "type") {
		case typeCaseReferral:
			d.Referrals = append(d.Referrals, caseReferralFrom(it))
		case typeLevelChange:
			d.Levels = append(d.Levels, levelFrom(it))
		case typeRAGChange:
			d.RAGs = append(d.RAGs, ragFrom(it))
		}
	}
	if !found {
		return CaseDetail{}, fmt.Errorf("store: case %s: %w", id, ErrNotFound)
	}
	return d, nil
}

// UpdateCase is Store.UpdateCase.
func (m *Memory) UpdateCase(ctx context.Context, id string, fn func(*Case) (CaseEffects, error)) (Case, error) {
	var out Case
	err := aggregate.Loop(ctx, m.retry, func(ctx context.Context) error {
		c, err := m.GetCase(ctx, id)
		if err != nil {
			return err
		}
		read := c.Version
		eff, err := fn(&c)
		if err != nil {
			return aggregate.Abort(err)
		}
		c.ID, c.Version, c.UpdatedAt = id, read+1, m.clock.Now()
		ci, err := caseItem(c)
		if err != nil {
			return err
		}
		t := m.tables
		m.mu.Lock()
		defer m.mu.Unlock()
		if cur, ok := m.lookup(t.Cases, caseKey(id)); !ok || num(cur, "version") != read {
			return aggregate.ErrLostRace
		}
		x := m.begin()
		x.put(t.Cases, ci)
		effectOK := true
		createOnly := func(it item) {
			if _, exists := m.lookup(t.Cases, dynamo.KeyOf(it)); exists {
				effectOK = false
			}
			x.put(t.Cases, it)
		}
		if l := eff.Level; l != nil {
			createOnly(levelItem(id, *l))
		}
		if g := eff.RAG; g != nil {
			createOnly(ragItem(id, *g))
		}
		fresh, err := x.effects(eff.Items(t.Audit, t.Outbox, c.UpdatedAt))
		if err != nil {
			return aggregate.Abort(err)
		}
		if !effectOK || !fresh {
			return &aggregate.EffectError{Err: errors.New("store: memory: an effect's condition failed")}
		}
		if err := x.commit(); err != nil {
			return err
		}
		out = c
		return nil
	})
	if errors.Is(err, aggregate.ErrConflict) || errors.Is(err, aggregate.ErrEffect) {
		return Case{}, fmt.Errorf("case %s: %w: %w", id, ErrVersionConflict, err)
	}
	return out, err
}
