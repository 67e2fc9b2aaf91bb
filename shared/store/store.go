package store

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
	"github.com/mappa-coordinator/mappa/shared/risk"
)

// Errors the store returns; callers test them with errors.Is. None carries
// personal data.
var (
	ErrNotFound = errors.New("store: not found")
	// ErrVersionConflict: the item changed since the caller read it (or
	// the caller's expected version is stale). Answer 409.
	ErrVersionConflict = errors.New("store: version conflict")
	// ErrIdempotencyTaken: another request recorded the idempotency key
	// first; read the record and answer with it.
	ErrIdempotencyTaken = errors.New("store: idempotency key already used")
	// ErrMatchChanged: an identifier claim or the case changed between
	// matching and writing; match again.
	ErrMatchChanged = errors.New("store: case or identifier changed while writing")
	// ErrCaseClosed: the referral would join a case that was closed; it
	// must be reopened first (a *ClosedCaseError names it).
	ErrCaseClosed = errors.New("store: the case the referral joins is closed")
	// ErrTransactionConflict: concurrent transactions kept colliding after
	// retries; try again later.
	ErrTransactionConflict = errors.New("store: transaction conflict")
	// ErrAlreadyClassified: SaveClassification on a referral that is no
	// longer received. Nothing was written.
	ErrAlreadyClassified = errors.New("store: referral already classified")
	// ErrNotOpen: the case was merged into another.
	ErrNotOpen = errors.New("store: case is not open")
	// ErrBadCursor: a list cursor that this store did not make.
	ErrBadCursor = errors.New("store: bad cursor")

	errUnprocessed = errors.New("store: batch get: unprocessed keys remain")
)

// Store is the DynamoDB repository of referrals and cases.
type Store struct {
	db     dynamo.Client
	tables dynamo.Tables
	clock  clock.Clock
	// retry is the policy for transactions cancelled only by
	// TransactionConflict and for unprocessed batch keys.
	retry dynamo.Backoff
}

// New returns a Store over db and tables, telling the time by clk.
func New(db dynamo.Client, tables dynamo.Tables, clk clock.Clock) *Store {
	if clk == nil {
		clk = clock.System{}
	}
	return &Store{db: db, tables: tables, clock: clk, retry: dynamo.DefaultBackoff}
}

// Tables returns the table names the store writes to.
func (s *Store) Tables() dynamo.Tables { return s.tables }

func (s *Store) auditItems(entries []audit.Entry) []types.TransactWriteItem {
	out := make([]types.TransactWriteItem, len(entries))
	for i, e := range entries {
		out[i] = e.TransactItem(s.tables.Audit)
	}
	return out
}

// transact runs items, retrying (s.retry: bounded, jittered,
// context-aware) while the only cancellation reason is
// TransactionConflict. It returns the failed condition indexes of a
// transaction cancelled by a condition alongside the error.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) (failed []int, err error) {
	err = s.retry.Retry(ctx, dynamo.IsTransactionConflict, func(ctx context.Context, _ int) error {
		_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		return err
	})
	switch {
	case err == nil:
		return nil, nil
	case errors.Is(err, dynamo.ErrExhausted):
		return nil, fmt.Errorf("%w: %w", ErrTransactionConflict, err)
	}
	if failed, _ = dynamo.CancelledBy(err); len(failed) > 0 {
		return failed, err
	}
	return nil, fmt.Errorf("store: transaction: %w", err)
}

func put(table string, it item, cond string) types.TransactWriteItem {
	p := &types.Put{TableName: aws.String(table), Item: it}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
	}
	return types.TransactWriteItem{Put: p}
}

func del(table string, k dynamo.Key) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(table), Key: k.Attrs()}}
}

func (s *Store) get(ctx context.Context, table string, k dynamo.Key) (item, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(table), Key: k.Attrs(), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("store: get %s: %w", k.SK, err)
	}
	if len(out.Item) == 0 {
		return nil, ErrNotFound
	}
	return out.Item, nil
}

// queryAll reads every item of one partition of the base table, in sort
// key order, optionally limited to sort keys beginning with prefix.
func (s *Store) queryAll(ctx context.Context, table string, pk dynamo.PK, prefix string) ([]item, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: item{":pk": dynamo.S(string(pk))},
		ConsistentRead:            aws.Bool(true),
	}
	if prefix != "" {
		in.KeyConditionExpression = aws.String("pk = :pk AND begins_with(sk, :prefix)")
		in.ExpressionAttributeValues[":prefix"] = dynamo.S(prefix)
	}
	var out []item
	for {
		page, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("store: query: %w", err)
		}
		out = append(out, page.Items...)
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// ---------------------------------------------------------------- intake

// GetIdempotency returns the record of key in scope (consistent read), or
// ErrNotFound.
func (s *Store) GetIdempotency(ctx context.Context, scope, key string) (Idempotency, error) {
	it, err := s.get(ctx, s.tables.Referrals, idempotencyKey(scope, key))
	if err != nil {
		return Idempotency{}, err
	}
	return idempotencyFrom(it), nil
}

// FindMatches reads the claims of the identifiers and the cases sharing
// nameKey: Lookup without idempotency keys.
func (s *Store) FindMatches(ctx context.Context, ids []referral.Identifier, nameKey string) (referral.Matches, error) {
	l, err := s.Lookup(ctx, LookupQuery{Identifiers: ids, NameKey: nameKey})
	return l.Matches, err
}

// LookupQuery is what intake reads before it stores a referral.
type LookupQuery struct {
	// Scope and Keys: the idempotency records to read.
	Scope string
	Keys  []string
	// Identifiers to read the claims of, and the person's name key
	// (referral.NameKey; "" for none).
	Identifiers []referral.Identifier
	NameKey     string
}

// Lookup is what LookupQuery found.
type Lookup struct {
	// Idempotency has one entry per key of the query, in order: nil where
	// the key is unused.
	Idempotency []*Idempotency
	Matches     referral.Matches
}

// Lookup reads, in two round trips, the idempotency records of the keys
// and the claims of the identifiers (one consistent BatchGetItem over
// both tables), then the cases sharing the name key (a consistent Query
// of one partition). No scan.
//
// The Query must come after the claims: a case and its name-key entry are
// written in one transaction, so a claim seen means its case's name-key
// entry is seen too, and PlanMatch attaches the referral. Read the other
// way round (or at the same time) a case created in between shows its
// claim but not its name, which PlanMatch takes for another person with
// the same identifier (a provisional case flagged as a possible match).
// intake TestConcurrentReferralsOfOnePersonAreAllStoredInOneCase.
func (s *Store) Lookup(ctx context.Context, q LookupQuery) (Lookup, error) {
	l := Lookup{Idempotency: make([]*Idempotency, len(q.Keys)), Matches: referral.Matches{Claimed: map[referral.Identifier]string{}}}
	req := map[string]types.KeysAndAttributes{}
	addKey := func(table string, k dynamo.Key) {
		ka := req[table]
		for _, have := range ka.Keys {
			if dynamo.KeyOf(have) == k {
				return // BatchGetItem refuses a key twice
			}
		}
		ka.Keys, ka.ConsistentRead = append(ka.Keys, k.Attrs()), aws.Bool(true)
		req[table] = ka
	}
	for _, key := range q.Keys {
		addKey(s.tables.Referrals, idempotencyKey(q.Scope, key))
	}
	for _, id := range q.Identifiers {
		addKey(s.tables.Cases, claimKey(id))
	}
	got, err := s.batchGet(ctx, req)
	if err != nil {
		return l, err
	}
	var named []item
	if q.NameKey != "" {
		if named, err = s.queryAll(ctx, s.tables.Cases, nameIndexKey(q.NameKey, "").PK, "CASE#"); err != nil {
			return l, err
		}
	}
	for i, key := range q.Keys {
		if it, ok := got[idempotencyKey(q.Scope, key)]; ok {
			rec := idempotencyFrom(it)
			l.Idempotency[i] = &rec
		}
	}
	for _, id := range q.Identifiers {
		if it, ok := got[claimKey(id)]; ok {
			l.Matches.Claimed[id] = str(it, "caseId")
		}
	}
	for _, it := range named {
		l.Matches.ByNameAndBirth = append(l.Matches.ByNameAndBirth, str(it, "caseId"))
	}
	return l, nil
}

// batchGet reads the requested items (at most 100 keys), retrying
// unprocessed keys with the store's backoff, keyed by their keys (the
// tables' key spaces do not overlap).
func (s *Store) batchGet(ctx context.Context, req map[string]types.KeysAndAttributes) (map[dynamo.Key]item, error) {
	out := map[dynamo.Key]item{}
	if len(req) == 0 {
		return out, nil
	}
	err := s.retry.Retry(ctx, func(err error) bool { return errors.Is(err, errUnprocessed) }, func(ctx context.Context, _ int) error {
		res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return fmt.Errorf("store: batch get: %w", err)
		}
		for _, items := range res.Responses {
			for _, it := range items {
				out[dynamo.KeyOf(it)] = it
			}
		}
		if req = res.UnprocessedKeys; len(req) > 0 {
			return errUnprocessed
		}
		return nil
	})
	return out, err
}

// NewReferral is everything CreateReferral writes.
type NewReferral struct {
	// Referral is the referral to store (status received, version 1,
	// CaseID set to the case it joins).
	Referral Referral
	// IdempotencyScope and IdempotencyKey identify the request.
	IdempotencyScope string
	IdempotencyKey   string
	// AlsoKeys are further keys in the same scope that must name this
	// referral too (an agency's own reference when the request also had an
	// Idempotency-Key); each is claimed like IdempotencyKey.
	AlsoKeys []string
	// NewCase creates Referral.CaseID; otherwise the referral joins that
	// existing open case.
	NewCase bool
	// Claim lists identifiers for the case to claim (none may be claimed).
	Claim []referral.Identifier
	// NameKey is the person's likely-match key (referral.NameKey).
	NameKey string
	// Audit entries written in the same transaction.
	Audit []audit.Entry
}

// CreateReferral writes, in one transaction: the idempotency record, the
// referral, the new case or the update of the existing one, the case's
// link to the referral, the name index entry, the identifier claims and
// the audit entries. Every put is conditional on the item not existing
// (the case update on the case being open).
//
// It returns ErrIdempotencyTaken if the key was recorded first by another
// request, ErrMatchChanged if a claim or the case changed since matching,
// ErrTransactionConflict if concurrent writers kept colliding.
func (s *Store) CreateReferral(ctx context.Context, nr NewReferral) error {
	r := nr.Referral
	t := s.tables
	refItem, err := referralStateItem(r)
	if err != nil {
		return err
	}
	bodyItem, err := referralBodyItem(r)
	if err != nil {
		return err
	}
	const (
		roleIdem = iota
		roleReferral
		roleCase
		roleClaim
		roleOther
	)
	var items []types.TransactWriteItem
	var roles []int
	add := func(role int, ti types.TransactWriteItem) {
		items = append(items, ti)
		roles = append(roles, role)
	}
	for _, key := range append([]string{nr.IdempotencyKey}, nr.AlsoKeys...) {
		add(roleIdem, put(t.Referrals, idempotencyItem(nr.IdempotencyScope, key, r), "attribute_not_exists(pk)"))
	}
	add(roleReferral, put(t.Referrals, refItem, "attribute_not_exists(pk)"))
	add(roleReferral, put(t.Referrals, bodyItem, "attribute_not_exists(pk)"))

	var nameKeys []string
	if nr.NameKey != "" {
		nameKeys = []string{nr.NameKey}
	}
	sets := identifierSets(nr.Claim)
	if nr.NewCase {
		c := Case{
			ID: r.CaseID, Status: CaseOpen, Person: r.Body.Person, Risk: r.Body.CurrentRisk.Highest(),
			CRNs: sets["crns"], PNCs: sets["pncs"], CouncilNumbers: sets["councilNumbers"], NameKeys: nameKeys,
			Version: 1, CreatedAt: r.CreatedAt, UpdatedAt: r.CreatedAt,
		}
		ci, err := caseItem(c)
		if err != nil {
			return err
		}
		add(roleCase, put(t.Cases, ci, "attribute_not_exists(pk)"))
	} else {
		if nameKeys != nil {
			sets["nameKeys"] = nameKeys
		}
		add(roleCase, types.TransactWriteItem{Update: caseTouch(t.Cases, r.CaseID, r.CreatedAt, sets, r.Body.CurrentRisk.Highest())})
	}
	add(roleOther, put(t.Cases, caseReferralItem(r.CaseID, CaseReferral{ReferralID: r.ID, ReceivedAt: r.CreatedAt, Agency: r.Agency}), ""))
	if nr.NameKey != "" {
		add(roleOther, put(t.Cases, nameIndexItem(nr.NameKey, r.CaseID), ""))
	}
	for _, id := range nr.Claim {
		add(roleClaim, put(t.Cases, claimItem(id, r.CaseID, r.CreatedAt), "attribute_not_exists(pk)"))
	}
	for _, ti := range s.auditItems(nr.Audit) {
		add(roleOther, ti)
	}

	failed, err := s.transact(ctx, items)
	if err == nil {
		return nil
	}
	if len(failed) == 0 {
		return err
	}
	for _, i := range failed {
		if roles[i] == roleIdem {
			return ErrIdempotencyTaken
		}
	}
	for _, i := range failed {
		if roles[i] == roleCase && !nr.NewCase {
			// Rare: read the case to say why (closed, or changed).
			if c, err := s.GetCase(ctx, r.CaseID); err == nil && c.Status == CaseClosed {
				return &ClosedCaseError{CaseID: r.CaseID}
			}
		}
	}
	for _, i := range failed {
		if roles[i] == roleCase || roles[i] == roleClaim {
			return ErrMatchChanged
		}
	}
	// A referral id or audit id collision: ids are random, so a retry
	// with fresh ids succeeds.
	return fmt.Errorf("%w: id collision", ErrMatchChanged)
}

// ClosedCaseError is ErrCaseClosed for one case.
type ClosedCaseError struct{ CaseID string }

func (e *ClosedCaseError) Error() string { return "store: case " + e.CaseID + " is closed" }

// Is makes errors.Is(err, ErrCaseClosed) true.
func (e *ClosedCaseError) Is(target error) bool { return target == ErrCaseClosed }

// caseTouch is the update that attaches something to an open case: bump
// the version, add identifiers and name keys to its sets, and set the
// case's risk of serious harm to the new referral's (when it gives one).
func caseTouch(table, caseID string, now time.Time, sets map[string][]string, rosh risk.Level) *types.Update {
	expr := "SET version = version + :one, updatedAt = :now"
	values := item{":one": dynamo.N(1), ":now": dynamo.S(stamp(now)), ":open": dynamo.S(CaseOpen)}
	if rosh != "" {
		expr += ", #risk = :risk"
		values[":risk"] = dynamo.S(string(rosh))
	}
	var adds []string
	for _, name := range []string{"crns", "pncs", "councilNumbers", "nameKeys"} {
		if vs := sets[name]; len(vs) > 0 {
			adds = append(adds, name+" :"+name)
			values[":"+name] = set(vs)
		}
	}
	if len(adds) > 0 {
		expr += " ADD " + join(adds)
	}
	names := map[string]string{"#status": "status"}
	if rosh != "" {
		names["#risk"] = "risk"
	}
	return &types.Update{
		TableName:                 aws.String(table),
		Key:                       caseKey(caseID).Attrs(),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #status = :open"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
}

func join(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// ---------------------------------------------------------------- referrals

// readReferral reads the referral's own items (state, body,
// classification: sort keys beginning REFERRAL) with one consistent Query.
func (s *Store) readReferral(ctx context.Context, id string) (Referral, error) {
	items, err := s.queryAll(ctx, s.tables.Referrals, referralKey(id).PK, "REFERRAL")
	if err != nil {
		return Referral{}, err
	}
	r, found, err := referralFrom(items)
	if err != nil {
		return Referral{}, err
	}
	if !found {
		return Referral{}, fmt.Errorf("store: referral %s: %w", id, ErrNotFound)
	}
	return r, nil
}

// GetReferral returns the referral (consistent read) or ErrNotFound.
func (s *Store) GetReferral(ctx context.Context, id string) (Referral, error) {
	return s.readReferral(ctx, id)
}

// ReferralWithHistory returns the referral and its decisions, oldest first,
// with one Query of the referral's partition.
func (s *Store) ReferralWithHistory(ctx context.Context, id string) (Referral, []referral.Decision, error) {
	items, err := s.queryAll(ctx, s.tables.Referrals, referralKey(id).PK, "")
	if err != nil {
		return Referral{}, nil, err
	}
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

// GetSummaries returns the work-list summaries of the referrals with the
// given ids that exist (BatchGetItem of their small state items, in
// chunks of 100), keyed by id.
func (s *Store) GetSummaries(ctx context.Context, ids []string) (map[string]Summary, error) {
	out := map[string]Summary{}
	for chunk := range slices.Chunk(ids, 100) {
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = referralKey(id).Attrs()
		}
		req := map[string]types.KeysAndAttributes{s.tables.Referrals: {Keys: keys, ConsistentRead: aws.Bool(true)}}
		err := s.retry.Retry(ctx, func(err error) bool { return errors.Is(err, errUnprocessed) }, func(ctx context.Context, _ int) error {
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return fmt.Errorf("store: batch get referrals: %w", err)
			}
			for _, it := range res.Responses[s.tables.Referrals] {
				r, err := summaryFrom(it)
				if err != nil {
					return err
				}
				out[r.ID] = r
			}
			if req = res.UnprocessedKeys; len(req) > 0 {
				return errUnprocessed
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReferralEffects are what a change to a referral causes besides its new
// state: domain values the store turns into writes of the same
// transaction.
type ReferralEffects struct {
	aggregate.Effects
	// Decision is added to the referral's history.
	Decision *referral.Decision
	// MergeInto, for a possible match resolved as the same person, is the
	// case the referral's provisional case is merged into: every referral
	// of the provisional case is re-linked to it (link items moved, caseId
	// updated), the provisional case's identifier claims and name keys
	// move to it, and the provisional case is marked merged. The closure
	// sets r.CaseID to it.
	MergeInto string
	// Accept marks the referral's case accepted (Case.AcceptedAt, kept
	// from the first acceptance): the accepting decision's effect.
	Accept bool
}

// acceptCase is the update that records the case's first acceptance.
func acceptCase(table, caseID string, at time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(table),
		Key:                       caseKey(caseID).Attrs(),
		UpdateExpression:          aws.String("SET acceptedAt = if_not_exists(acceptedAt, :at), version = version + :one, updatedAt = :at"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: item{":at": dynamo.S(stamp(at)), ":one": dynamo.N(1)},
	}}
}

// UpdateReferral is the referral's read-modify-write (shared/aggregate's
// pattern): it reads the referral once (state, body, classification), runs
// fn on it and commits one transaction: the state item conditional on the
// version read (then +1), the classification item if fn set the first
// one (and the case's copy), the decision, the merge, the audit entries
// and outbox messages. A lost race is read again and fn rerun (so fn must
// have no side effects); fn's error is returned as is with nothing
// written. The body is never rewritten.
//
// ErrNotFound if the referral does not exist; ErrVersionConflict if it
// kept changing, or if the merge's target or a claim changed meanwhile;
// ErrNotOpen if the merge's target was merged itself.
func (s *Store) UpdateReferral(ctx context.Context, id string, fn func(*Referral) (ReferralEffects, error)) (Referral, error) {
	var out Referral
	err := aggregate.Loop(ctx, s.retry, func(ctx context.Context) error {
		r, err := s.readReferral(ctx, id)
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
		r.UpdatedAt = s.clock.Now()
		state, err := referralStateItem(r)
		if err != nil {
			return err
		}
		items := []types.TransactWriteItem{{Put: &types.Put{
			TableName: aws.String(s.tables.Referrals), Item: state,
			ConditionExpression:       aws.String("version = :read"),
			ExpressionAttributeValues: item{":read": dynamo.N(int64(before.Version))},
		}}}
		if before.Classification == nil && r.Classification != nil {
			ci, err := classificationItem(r.ID, r.Classification)
			if err != nil {
				return err
			}
			cc, err := caseClassificationItem(r.CaseID, r.Classification)
			if err != nil {
				return err
			}
			// The queue's search entries, written once, with the first
			// classification (intake, where retries of one request
			// arrive together, stays as small as it was).
			items = append(items, s.searchEntries(r)...)
			items = append(items, put(s.tables.Referrals, ci, "attribute_not_exists(pk)"), put(s.tables.Cases, cc, ""), types.TransactWriteItem{Update: &types.Update{
				TableName: aws.String(s.tables.Cases),
				Key:       caseKey(r.CaseID).Attrs(),
				// category is the risk register index's copy (gsi2 projects it).
				UpdateExpression:          aws.String("SET suggestedLevel = :l, category = :cat, version = version + :one, updatedAt = :now"),
				ConditionExpression:       aws.String("attribute_exists(pk)"),
				ExpressionAttributeValues: item{":l": dynamo.N(int64(r.SuggestedLevel())), ":cat": dynamo.N(int64(Case{Classification: r.Classification}.Category())), ":one": dynamo.N(1), ":now": dynamo.S(stamp(r.UpdatedAt))},
			}})
		}
		// The queue's counters follow the status in the same transaction.
		items = append(items, s.countMove(r.ID, before.Status, r.Status)...)
		if d := eff.Decision; d != nil {
			items = append(items, put(s.tables.Referrals, decisionItem(r.ID, *d), "attribute_not_exists(pk)"))
			if !strings.HasPrefix(string(d.Kind), "match:") {
				// The Board's counters move in the same transaction (shared/reportstore).
				items = append(items, reportstore.Increments(s.tables.Referrals, report.ForDecision(string(d.Kind), d.At))...)
			}
		}
		if eff.Accept && r.CaseID != "" {
			items = append(items, acceptCase(s.tables.Cases, r.CaseID, r.UpdatedAt))
		}
		if eff.MergeInto != "" {
			merge, err := s.mergeWrites(ctx, before, eff.MergeInto, r.UpdatedAt)
			if err != nil {
				return aggregate.Abort(err)
			}
			items = append(items, merge...)
		}
		items = append(items, eff.Items(s.tables.Audit, s.tables.Outbox, r.UpdatedAt)...)
		if len(items) > 100 {
			return aggregate.Abort(fmt.Errorf("store: change to referral %s needs %d writes, more than one transaction holds", id, len(items)))
		}
		if err := aggregate.Commit(ctx, s.db, items); err != nil {
			return err
		}
		out = r
		return nil
	})
	if errors.Is(err, aggregate.ErrConflict) || errors.Is(err, aggregate.ErrEffect) {
		// Every effect's condition (a create-only history item, the case,
		// a claim) failing means something changed meanwhile.
		return Referral{}, fmt.Errorf("referral %s: %w: %w", id, ErrVersionConflict, err)
	}
	return out, err
}

// ---------------------------------------------------------------- cases

// GetCase returns the case (consistent read) or ErrNotFound: one Query
// of its item and its classification item (sort keys beginning CASE).
func (s *Store) GetCase(ctx context.Context, id string) (Case, error) {
	items, err := s.queryAll(ctx, s.tables.Cases, caseKey(id).PK, "CASE")
	if err != nil {
		return Case{}, fmt.Errorf("store: case %s: %w", id, err)
	}
	c, found, err := caseFromItems(items)
	if err != nil {
		return Case{}, err
	}
	if !found {
		return Case{}, fmt.Errorf("store: case %s: %w", id, ErrNotFound)
	}
	return c, nil
}

// CaseDetail is a case with its referral links and level history.
type CaseDetail struct {
	Case      Case
	Referrals []CaseReferral // oldest first
	Levels    []referral.LevelChange
	RAGs      []referral.RAGChange // oldest first
	// Next continues the case's history ("" on the last page).
	Next string
}

// CaseHistoryPage is how many items of a case's partition one
// GetCaseDetail reads at most.
const CaseHistoryPage = 100

// GetCaseDetail reads the case and one page (at most CaseHistoryPage
// items, oldest first) of its referral links and level history with one
// Query of the case's partition; cursor "" starts at the case item, and
// Next continues. A page after the first has the case from GetCase.
func (s *Store) GetCaseDetail(ctx context.Context, id, cursor string) (CaseDetail, error) {
	pk := caseKey(id).PK
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.tables.Cases),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: item{":pk": dynamo.S(string(pk))},
		ConsistentRead:            aws.Bool(true),
		Limit:                     aws.Int32(CaseHistoryPage),
	}
	var d CaseDetail
	found := false
	if cursor != "" {
		start, err := decodeCaseCursor(cursor, pk)
		if err != nil {
			return CaseDetail{}, err
		}
		in.ExclusiveStartKey = start
		if d.Case, err = s.GetCase(ctx, id); err != nil {
			return CaseDetail{}, err
		}
		found = true
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return CaseDetail{}, fmt.Errorf("store: case %s: %w", id, err)
	}
	if c, ok, err := caseFromItems(out.Items); err != nil {
		return CaseDetail{}, err
	} else if ok {
		d.Case, found = c, true
	}
	for _, it := range out.Items {
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
	if len(out.LastEvaluatedKey) > 0 {
		d.Next = encodeCursor(out.LastEvaluatedKey)
	}
	return d, nil
}

// caseLinks reads the case and every one of its referral links (a merge
// moves them all).
func (s *Store) caseLinks(ctx context.Context, id string) (CaseDetail, error) {
	items, err := s.queryAll(ctx, s.tables.Cases, caseKey(id).PK, "")
	if err != nil {
		return CaseDetail{}, err
	}
	var d CaseDetail
	found := false
	for _, it := range items {
		switch str(it, "type") {
		case typeCase:
			if d.Case, err = caseFrom(it); err != nil {
				return CaseDetail{}, err
			}
			found = true
		case typeCaseReferral:
			d.Referrals = append(d.Referrals, caseReferralFrom(it))
		}
	}
	if !found {
		return CaseDetail{}, fmt.Errorf("store: case %s: %w", id, ErrNotFound)
	}
	return d, nil
}

// CaseEffects are what a change to a case causes besides its new state.
type CaseEffects struct {
	aggregate.Effects
	// Level is added to the case's level history.
	Level *referral.LevelChange
	// RAG is added to the case's traffic-light history.
	RAG *referral.RAGChange
}

// UpdateCase is the case's read-modify-write (shared/aggregate's
// pattern): read once, run fn, commit the case item conditional on the
// version read with the level history item and the effects; a lost race
// is read again and fn rerun. ErrNotFound if the case does not exist;
// ErrVersionConflict if it kept changing.
func (s *Store) UpdateCase(ctx context.Context, id string, fn func(*Case) (CaseEffects, error)) (Case, error) {
	var out Case
	err := aggregate.Loop(ctx, s.retry, func(ctx context.Context) error {
		c, err := s.GetCase(ctx, id)
		if err != nil {
			return err
		}
		read := c.Version
		eff, err := fn(&c)
		if err != nil {
			return aggregate.Abort(err)
		}
		c.ID, c.Version, c.UpdatedAt = id, read+1, s.clock.Now()
		ci, err := caseItem(c)
		if err != nil {
			return err
		}
		items := []types.TransactWriteItem{{Put: &types.Put{
			TableName: aws.String(s.tables.Cases), Item: ci,
			ConditionExpression:       aws.String("version = :read"),
			ExpressionAttributeValues: item{":read": dynamo.N(int64(read))},
		}}}
		if l := eff.Level; l != nil {
			items = append(items, put(s.tables.Cases, levelItem(id, *l), "attribute_not_exists(pk)"))
			items = append(items, reportstore.Increments(s.tables.Referrals, report.ForLevel(l.PreviousLevel, l.Level, l.At))...)
		}
		if g := eff.RAG; g != nil {
			items = append(items, put(s.tables.Cases, ragItem(id, *g), "attribute_not_exists(pk)"))
		}
		items = append(items, eff.Items(s.tables.Audit, s.tables.Outbox, c.UpdatedAt)...)
		if err := aggregate.Commit(ctx, s.db, items); err != nil {
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
