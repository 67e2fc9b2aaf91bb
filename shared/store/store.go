package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
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
	return Idempotency{
		Scope:      str(it, "scope"),
		BodyHash:   str(it, "bodyHash"),
		ReferralID: str(it, "referralId"),
		CaseID:     str(it, "caseId"),
		CreatedAt:  parseStamp(str(it, "createdAt")),
	}, nil
}

// FindMatches reads the claim of each identifier (GetItem, consistent) and
// the cases sharing nameKey (Query of one partition). No scan.
func (s *Store) FindMatches(ctx context.Context, ids []referral.Identifier, nameKey string) (referral.Matches, error) {
	m := referral.Matches{Claimed: map[referral.Identifier]string{}}
	for _, id := range ids {
		it, err := s.get(ctx, s.tables.Cases, claimKey(id))
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return m, err
		}
		m.Claimed[id] = str(it, "caseId")
	}
	if nameKey == "" {
		return m, nil
	}
	items, err := s.queryAll(ctx, s.tables.Cases, nameIndexKey(nameKey, "").PK, "CASE#")
	if err != nil {
		return m, err
	}
	for _, it := range items {
		m.ByNameAndBirth = append(m.ByNameAndBirth, str(it, "caseId"))
	}
	return m, nil
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
	refItem, err := referralItem(r)
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
		idem := withKey(idempotencyKey(nr.IdempotencyScope, key), item{
			"type":       dynamo.S(typeIdempotency),
			"scope":      dynamo.S(nr.IdempotencyScope),
			"bodyHash":   dynamo.S(r.BodyHash),
			"referralId": dynamo.S(r.ID),
			"caseId":     dynamo.S(r.CaseID),
			"createdAt":  dynamo.S(stamp(r.CreatedAt)),
		})
		add(roleIdem, put(t.Referrals, idem, "attribute_not_exists(pk)"))
	}
	add(roleReferral, put(t.Referrals, refItem, "attribute_not_exists(pk)"))

	var nameKeys []string
	if nr.NameKey != "" {
		nameKeys = []string{nr.NameKey}
	}
	sets := identifierSets(nr.Claim)
	if nr.NewCase {
		c := Case{
			ID: r.CaseID, Status: CaseOpen, Person: r.Body.Person,
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
		add(roleCase, types.TransactWriteItem{Update: caseTouch(t.Cases, r.CaseID, r.CreatedAt, sets)})
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
		if roles[i] == roleCase || roles[i] == roleClaim {
			return ErrMatchChanged
		}
	}
	// A referral id or audit id collision: ids are random, so a retry
	// with fresh ids succeeds.
	return fmt.Errorf("%w: id collision", ErrMatchChanged)
}

// caseTouch is the update that attaches something to an open case: bump
// the version, and add identifiers and name keys to its sets.
func caseTouch(table, caseID string, now time.Time, sets map[string][]string) *types.Update {
	expr := "SET version = version + :one, updatedAt = :now"
	values := item{":one": dynamo.N(1), ":now": dynamo.S(stamp(now)), ":open": dynamo.S(CaseOpen)}
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
	return &types.Update{
		TableName:                 aws.String(table),
		Key:                       caseKey(caseID).Attrs(),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #status = :open"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
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

// GetReferral returns the referral (consistent read) or ErrNotFound.
func (s *Store) GetReferral(ctx context.Context, id string) (Referral, error) {
	it, err := s.get(ctx, s.tables.Referrals, referralKey(id))
	if err != nil {
		return Referral{}, fmt.Errorf("store: referral %s: %w", id, err)
	}
	return referralFrom(it)
}

// ReferralWithHistory returns the referral and its decisions, oldest first,
// with one Query of the referral's partition.
func (s *Store) ReferralWithHistory(ctx context.Context, id string) (Referral, []referral.Decision, error) {
	items, err := s.queryAll(ctx, s.tables.Referrals, referralKey(id).PK, "")
	if err != nil {
		return Referral{}, nil, err
	}
	var (
		r     Referral
		found bool
		hist  []referral.Decision
	)
	for _, it := range items {
		switch str(it, "type") {
		case typeReferral:
			if r, err = referralFrom(it); err != nil {
				return Referral{}, nil, err
			}
			found = true
		case typeDecision:
			hist = append(hist, decisionFrom(it))
		}
	}
	if !found {
		return Referral{}, nil, fmt.Errorf("store: referral %s: %w", id, ErrNotFound)
	}
	return r, hist, nil
}

// GetReferrals returns the referrals with the given ids that exist
// (BatchGetItem in chunks of 100), keyed by id.
func (s *Store) GetReferrals(ctx context.Context, ids []string) (map[string]Referral, error) {
	out := map[string]Referral{}
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
				r, err := referralFrom(it)
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

// Decide records decision d on the referral: it moves the referral from
// d.From to d.To if the referral's version is still expectedVersion, and
// stores the decision and the audit entries, in one transaction.
// ErrVersionConflict if the referral changed; ErrNotFound if it is gone.
func (s *Store) Decide(ctx context.Context, referralID string, expectedVersion int, d referral.Decision, entries []audit.Entry, emails ...outbox.Message) error {
	// The Board's counters move in the same transaction (shared/reportstore).
	extra := reportstore.Increments(s.tables.Referrals, report.ForDecision(string(d.Kind), d.At))
	for _, m := range emails {
		extra = append(extra, outbox.Enqueue(s.tables.Outbox, m, d.At))
	}
	return s.recordChange(ctx, &types.Update{
		TableName:           aws.String(s.tables.Referrals),
		Key:                 referralKey(referralID).Attrs(),
		UpdateExpression:    aws.String("SET #status = :to, gsi2pk = :g2, version = version + :one, updatedAt = :now"),
		ConditionExpression: aws.String("attribute_exists(pk) AND version = :v AND #status = :from"),
		ExpressionAttributeNames: map[string]string{
			"#status": "status",
		},
		ExpressionAttributeValues: item{
			":to": dynamo.S(string(d.To)), ":from": dynamo.S(string(d.From)),
			":g2": dynamo.S("STATUS#" + string(d.To)), ":one": dynamo.N(1),
			":now": dynamo.S(stamp(d.At)), ":v": dynamo.N(int64(expectedVersion)),
		},
	}, put(s.tables.Referrals, decisionItem(referralID, d), "attribute_not_exists(pk)"), entries, "referral "+referralID, extra...)
}

// recordChange writes, in one transaction, the conditional update of a
// versioned item, the history item that says why it changed, and the audit
// entries. A failed condition on the update is ErrVersionConflict for what
// ("referral <id>", "case <id>").
func (s *Store) recordChange(ctx context.Context, update *types.Update, history types.TransactWriteItem, entries []audit.Entry, what string, extra ...types.TransactWriteItem) error {
	items := append([]types.TransactWriteItem{{Update: update}, history}, s.auditItems(entries)...)
	items = append(items, extra...)
	failed, err := s.transact(ctx, items)
	if err == nil {
		return nil
	}
	if slices.Contains(failed, 0) {
		return fmt.Errorf("%s: %w", what, ErrVersionConflict)
	}
	return err
}

// SaveClassification stores the classifier's result on a received referral
// and on its case, moving the referral to classified, in one transaction
// with extra (the outbox item and the audit Put). expectedVersion is the
// version the caller read with GetReferral.
//
// It is replay-safe: if the referral is no longer received it writes
// nothing and returns ErrAlreadyClassified. If the referral changed in
// another way since it was read (a match was resolved), it returns
// ErrVersionConflict: read it again and retry.
func (s *Store) SaveClassification(ctx context.Context, referralID string, expectedVersion int, result any, suggestedLevel int, extra []types.TransactWriteItem) error {
	r, err := s.GetReferral(ctx, referralID)
	if err != nil {
		return err
	}
	if r.Status != referral.StatusReceived {
		return ErrAlreadyClassified
	}
	if r.Version != expectedVersion {
		return fmt.Errorf("referral %s: %w", referralID, ErrVersionConflict)
	}
	now := s.clock.Now()
	c, err := classificationJSON(result, suggestedLevel, now)
	if err != nil {
		return err
	}
	values := item{
		":c": dynamo.S(c), ":l": dynamo.N(int64(suggestedLevel)), ":one": dynamo.N(1), ":now": dynamo.S(stamp(now)),
	}
	refValues := item{":received": dynamo.S(string(referral.StatusReceived)), ":classified": dynamo.S(string(referral.StatusClassified)),
		":g2": dynamo.S("STATUS#" + string(referral.StatusClassified)), ":v": dynamo.N(int64(expectedVersion))}
	for k, v := range values {
		refValues[k] = v
	}
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName:                 aws.String(s.tables.Referrals),
			Key:                       referralKey(referralID).Attrs(),
			UpdateExpression:          aws.String("SET #status = :classified, gsi2pk = :g2, classification = :c, suggestedLevel = :l, version = version + :one, updatedAt = :now"),
			ConditionExpression:       aws.String("version = :v AND #status = :received"),
			ExpressionAttributeNames:  map[string]string{"#status": "status"},
			ExpressionAttributeValues: refValues,
		}},
		{Update: &types.Update{
			TableName:                 aws.String(s.tables.Cases),
			Key:                       caseKey(r.CaseID).Attrs(),
			UpdateExpression:          aws.String("SET classification = :c, suggestedLevel = :l, version = version + :one, updatedAt = :now"),
			ConditionExpression:       aws.String("attribute_exists(pk)"),
			ExpressionAttributeValues: values,
		}},
	}
	items = append(items, extra...)
	failed, err := s.transact(ctx, items)
	if err == nil {
		return nil
	}
	if slices.Contains(failed, 0) {
		again, gerr := s.GetReferral(ctx, referralID)
		if gerr == nil && again.Status != referral.StatusReceived {
			return ErrAlreadyClassified
		}
		return fmt.Errorf("referral %s: %w", referralID, ErrVersionConflict)
	}
	return err
}

// ---------------------------------------------------------------- lists

// ListQuery asks for one page of referrals.
type ListQuery struct {
	// Status filters by status; "" lists every referral.
	Status referral.Status
	// Limit is the page size (1-100; 0 means 25).
	Limit int
	// Cursor continues a previous page ("" for the first).
	Cursor string
}

// Page is one page of referrals, newest first.
type Page struct {
	Referrals []Referral
	// Next is the cursor of the next page, "" on the last.
	Next string
}

// ListReferrals returns a page of referrals, newest first: by status from
// gsi2, or all from gsi1. Never a scan.
func (s *Store) ListReferrals(ctx context.Context, q ListQuery) (Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 25
	}
	limit = min(limit, 100)
	index, pkName, skName, pk := dynamo.GSI1, "gsi1pk", "gsi1sk", "REFERRALS"
	if q.Status != "" {
		index, pkName, skName, pk = dynamo.GSI2, "gsi2pk", "gsi2sk", "STATUS#"+string(q.Status)
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.tables.Referrals),
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": pkName},
		ExpressionAttributeValues: item{":pk": dynamo.S(pk)},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(limit)),
	}
	if q.Cursor != "" {
		start, err := decodeCursor(q.Cursor, pkName, skName, pk)
		if err != nil {
			return Page{}, err
		}
		in.ExclusiveStartKey = start
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("store: list referrals: %w", err)
	}
	var p Page
	for _, it := range out.Items {
		r, err := referralFrom(it)
		if err != nil {
			return Page{}, err
		}
		p.Referrals = append(p.Referrals, r)
	}
	if len(out.LastEvaluatedKey) > 0 {
		p.Next = encodeCursor(out.LastEvaluatedKey)
	}
	return p, nil
}

// ---------------------------------------------------------------- cases

// GetCase returns the case (consistent read) or ErrNotFound.
func (s *Store) GetCase(ctx context.Context, id string) (Case, error) {
	it, err := s.get(ctx, s.tables.Cases, caseKey(id))
	if err != nil {
		return Case{}, fmt.Errorf("store: case %s: %w", id, err)
	}
	return caseFrom(it)
}

// CaseDetail is a case with its referral links and level history.
type CaseDetail struct {
	Case      Case
	Referrals []CaseReferral // oldest first
	Levels    []referral.LevelChange
	RAGs      []referral.RAGChange // oldest first
}

// GetCaseDetail reads the case, its referral links and its level history
// with one Query of the case's partition.
func (s *Store) GetCaseDetail(ctx context.Context, id string) (CaseDetail, error) {
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

// SetLevel records a level change on an open case whose version is still
// expectedVersion: the case's level, the history item and the audit
// entries, in one transaction. ErrVersionConflict if the case changed.
func (s *Store) SetLevel(ctx context.Context, caseID string, expectedVersion int, l referral.LevelChange, entries []audit.Entry) error {
	return s.recordChange(ctx, &types.Update{
		TableName:                 aws.String(s.tables.Cases),
		Key:                       caseKey(caseID).Attrs(),
		UpdateExpression:          aws.String("SET #level = :l, version = version + :one, updatedAt = :now"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND version = :v AND #status = :open"),
		ExpressionAttributeNames:  map[string]string{"#level": "level", "#status": "status"},
		ExpressionAttributeValues: item{":l": dynamo.N(int64(l.Level)), ":one": dynamo.N(1), ":now": dynamo.S(stamp(l.At)), ":v": dynamo.N(int64(expectedVersion)), ":open": dynamo.S(CaseOpen)},
	}, put(s.tables.Cases, levelItem(caseID, l), "attribute_not_exists(pk)"), entries, "case "+caseID,
		reportstore.Increments(s.tables.Referrals, report.ForLevel(l.PreviousLevel, l.Level, l.At))...)
}

// SetRAG sets a case's traffic light and keeps the change (who, when, why)
// in one transaction with its audit entries, if the case is open and still
// at expectedVersion (ErrVersionConflict otherwise).
func (s *Store) SetRAG(ctx context.Context, caseID string, expectedVersion int, c referral.RAGChange, entries []audit.Entry) error {
	return s.recordChange(ctx, &types.Update{
		TableName:                 aws.String(s.tables.Cases),
		Key:                       caseKey(caseID).Attrs(),
		UpdateExpression:          aws.String("SET rag = :r, version = version + :one, updatedAt = :now"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND version = :v AND #status = :open"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: item{":r": dynamo.S(string(c.RAG)), ":one": dynamo.N(1), ":now": dynamo.S(stamp(c.At)), ":v": dynamo.N(int64(expectedVersion)), ":open": dynamo.S(CaseOpen)},
	}, put(s.tables.Cases, ragItem(caseID, c), "attribute_not_exists(pk)"), entries, "case "+caseID)
}
