// Package meetingstore keeps meetings, their attendees, associated
// children, actions and tasks in the meetings table, and the staff
// directory, leave, rota, continuity and panel days in the rota table
// (DynamoDB). It follows the store pattern of the project: typed keys,
// fixed-width UTC timestamps in keys, one Update(ctx, id, func(*Record)
// (Effects, error)) per aggregate whose domain-typed Effects (audit
// entries, emails, tasks, continuity) are written in the SAME transaction
// as the change, conditional on the version read, and read again and
// retried after a lost race: shared/aggregate's Loop and Commit, the one
// read-modify-write every store uses. Nothing here scans a table: every read is a GetItem, a Query
// on a key or an index, or a BatchGetItem. Keys and access patterns:
// docs/data-model.md.
package meetingstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
)

// Errors callers test with errors.Is. None carries personal data.
var (
	ErrNotFound = errors.New("meetingstore: not found")
	// ErrVersionConflict: the item kept changing under the caller.
	ErrVersionConflict = errors.New("meetingstore: version conflict")
	// ErrExists: an item with that id exists already.
	ErrExists = errors.New("meetingstore: already exists")
	// ErrUnchanged, returned by an Update function, says there is nothing
	// to write: Update returns the current record and no error.
	ErrUnchanged = errors.New("meetingstore: nothing to change")
	// ErrBadCursor: a list cursor this store did not make for this list.
	ErrBadCursor = errors.New("meetingstore: bad cursor")
	// ErrCouncilNumberTaken: another child record has that council number.
	ErrCouncilNumberTaken = errors.New("meetingstore: council number belongs to another child")
)

// Tables are the physical names the store uses.
type Tables struct {
	Meetings string
	Rota     string
	Audit    string
	Outbox   string
	// Cases holds the assignments of shared/assignstore (who may see a
	// case), written in the same transactions as what causes them.
	Cases string
	// Reports holds the Board's counters (shared/reportstore; the referrals
	// table), moved in the same transactions as what they count.
	Reports string
}

// TablesFrom picks the store's tables from the application's.
func TablesFrom(t dynamo.Tables) Tables {
	return Tables{Meetings: t.Meetings, Rota: t.Rota, Audit: t.Audit, Outbox: t.Outbox, Cases: t.Cases, Reports: t.Referrals}
}

// Store is the DynamoDB repository of meetings and the staff directory.
type Store struct {
	db    dynamo.Client
	t     Tables
	clock clock.Clock
	// retry is the policy for lost races and transaction conflicts.
	retry  dynamo.Backoff
	pageSz int32
}

// New returns a Store.
func New(db dynamo.Client, t Tables, clk clock.Clock) *Store {
	if clk == nil {
		clk = clock.System{}
	}
	return &Store{db: db, t: t, clock: clk, retry: dynamo.DefaultBackoff, pageSz: 50}
}

// Effects are what a change causes, written in the change's transaction.
type Effects struct {
	Audit []audit.Entry
	// Emails are queued through the outbox; ids are deterministic, so an
	// email already queued is skipped, not queued twice.
	Emails []outbox.Message
	// Tasks are created if they do not exist (deterministic ids make this
	// replay-safe).
	Tasks []meeting.Task
	// Continuity sets an individual's continuity person for a role.
	Continuity []Continuity
	// Assign records who is assigned to a case (the row rules of
	// shared/access read them): idempotent puts.
	Assign []Assignment
	// Team records line management (manager sees their team's cases).
	Team [][2]string
	// Due schedules work for the reminders sweep (shared/due items in the
	// cases table); Undue removes scheduled items that no longer apply.
	Due   []due.Item
	Undue []dynamo.Key
	// Counts are the Board's figures the change moves (shared/report);
	// OpenActions the open-actions counters (an action agreed or closed).
	Counts      []report.Event
	OpenActions []report.OpenAction
}

// Assignment is one person (by sign-in subject) assigned to a case.
type Assignment struct {
	CaseID  string
	Subject string
	Kind    assignstore.Kind
}

// Merge adds other's effects to e.
func (e *Effects) Merge(other Effects) {
	e.Audit = append(e.Audit, other.Audit...)
	e.Emails = append(e.Emails, other.Emails...)
	e.Tasks = append(e.Tasks, other.Tasks...)
	e.Continuity = append(e.Continuity, other.Continuity...)
	e.Assign = append(e.Assign, other.Assign...)
	e.Team = append(e.Team, other.Team...)
	e.Due = append(e.Due, other.Due...)
	e.Undue = append(e.Undue, other.Undue...)
	e.Counts = append(e.Counts, other.Counts...)
	e.OpenActions = append(e.OpenActions, other.OpenActions...)
}

// ---------------------------------------------------------------- keys

// Stamp formats t as a fixed-width UTC key part (dynamo.Stamp).
func Stamp(t time.Time) string { return dynamo.Stamp(t) }

// MeetingKey is the key of a meeting.
func MeetingKey(id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("MEETING#" + id), SK: "MEETING"}
}

func attendanceKey(meetingID, staffID string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("MEETING#" + meetingID), SK: dynamo.SK("ATTENDEE#" + staffID)}
}

// ChildLinkKey is the key of a child's link to a case.
func ChildLinkKey(caseID, childID string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: dynamo.SK("CHILD#" + childID)}
}

// ChildKey is the key of a child record.
func ChildKey(childID string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CHILD#" + childID), SK: "CHILD"}
}

func childNumberKey(n string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CHILDNO#" + n), SK: "CHILDNO"}
}

// ActionKey is the key of an action.
func ActionKey(caseID, id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: dynamo.SK("ACTION#" + id)}
}

// TaskKey is the key of a task.
func TaskKey(caseID, id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: dynamo.SK("TASK#" + id)}
}

type item = map[string]types.AttributeValue

func str(it item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func num(it item, name string) int {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.Atoi(v.Value)
		return n
	}
	return 0
}

func boolean(it item, name string) bool {
	v, ok := it[name].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

func withKey(k dynamo.Key, attrs item) item {
	attrs["pk"], attrs["sk"] = dynamo.S(string(k.PK)), dynamo.S(string(k.SK))
	return attrs
}

func put(table string, it item, cond string, vals item) types.TransactWriteItem {
	p := &types.Put{TableName: aws.String(table), Item: it}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
	}
	if len(vals) > 0 {
		p.ExpressionAttributeValues = vals
	}
	return types.TransactWriteItem{Put: p}
}

func del(table string, k dynamo.Key) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(table), Key: k.Attrs()}}
}

func versioned(table string, it item, version int) types.TransactWriteItem {
	if version == 0 {
		return put(table, it, "attribute_not_exists(pk)", nil)
	}
	return put(table, it, "version = :v", item{":v": dynamo.N(int64(version))})
}

func (s *Store) get(ctx context.Context, table string, k dynamo.Key) (item, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: k.Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("meetingstore: get %s: %w", k.SK, err)
	}
	if len(out.Item) == 0 {
		return nil, ErrNotFound
	}
	return out.Item, nil
}

// queryAll reads every item of one base-table partition with sk prefix.
func (s *Store) queryAll(ctx context.Context, table, pk, prefix string) ([]item, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(table),
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :p)"),
		ExpressionAttributeValues: item{":pk": dynamo.S(pk), ":p": dynamo.S(prefix)},
		ConsistentRead:            aws.Bool(true),
	}
	if prefix == "" {
		in.KeyConditionExpression = aws.String("pk = :pk")
		delete(in.ExpressionAttributeValues, ":p")
	}
	var out []item
	for {
		page, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("meetingstore: query: %w", err)
		}
		out = append(out, page.Items...)
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// queryIndexAll reads every item of one gsi1 partition, sk prefix.
func (s *Store) queryIndexAll(ctx context.Context, table, pk, prefix string) ([]item, error) {
	in := &dynamodb.QueryInput{
		TableName: aws.String(table), IndexName: aws.String(dynamo.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :pk AND begins_with(gsi1sk, :p)"),
		ExpressionAttributeValues: item{":pk": dynamo.S(pk), ":p": dynamo.S(prefix)},
	}
	if prefix == "" {
		in.KeyConditionExpression = aws.String("gsi1pk = :pk")
		delete(in.ExpressionAttributeValues, ":p")
	}
	var out []item
	for {
		page, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("meetingstore: query index: %w", err)
		}
		out = append(out, page.Items...)
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// transact writes items, retrying on TransactionConflict with the one
// retry policy (dynamo.DefaultBackoff). Items at the indexes in optional
// are idempotent puts (tasks, emails): if only their conditions fail, they
// already exist, and the transaction is written again without them.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem, optional map[int]bool) error {
	for {
		err := dynamo.DefaultBackoff.Retry(ctx, dynamo.IsTransactionConflict, func(ctx context.Context, _ int) error {
			_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
			return err
		})
		if err == nil {
			return nil
		}
		failed, ok := dynamo.CancelledBy(err)
		if !ok || len(failed) == 0 {
			return fmt.Errorf("meetingstore: transaction: %w", err)
		}
		for _, i := range failed {
			if !optional[i] {
				return conditionFailed{indexes: failed, err: err}
			}
		}
		drop := map[int]bool{}
		for _, i := range failed {
			drop[i] = true
		}
		var keep []types.TransactWriteItem
		nopt := map[int]bool{}
		for i, it := range items {
			if !drop[i] {
				if optional[i] {
					nopt[len(keep)] = true
				}
				keep = append(keep, it)
			}
		}
		items, optional = keep, nopt
		if len(items) == 0 {
			return nil
		}
	}
}

type conditionFailed struct {
	indexes []int
	err     error
}

func (c conditionFailed) Error() string { return "meetingstore: condition failed: " + c.err.Error() }
func (c conditionFailed) Unwrap() error { return c.err }

func isConditionFailed(err error) bool {
	var c conditionFailed
	return errors.As(err, &c)
}

// effectItems turns effects into transaction items; the returned map marks
// the idempotent ones (offset by base).
func (s *Store) effectItems(e Effects, now time.Time, base int) ([]types.TransactWriteItem, map[int]bool) {
	var items []types.TransactWriteItem
	opt := map[int]bool{}
	for _, a := range e.Audit {
		items = append(items, a.TransactItem(s.t.Audit))
	}
	for _, m := range e.Emails {
		opt[base+len(items)] = true
		items = append(items, outbox.Enqueue(s.t.Outbox, m, now))
	}
	for _, t := range e.Tasks {
		opt[base+len(items)] = true
		items = append(items, put(s.t.Meetings, taskItem(t), "attribute_not_exists(pk)", nil))
	}
	for _, c := range e.Continuity {
		items = append(items, put(s.t.Rota, continuityItem(c), "", nil))
	}
	seen := map[string]bool{}
	for _, a := range e.Assign {
		k := a.CaseID + "|" + a.Subject + "|" + string(a.Kind)
		if a.Subject == "" || a.CaseID == "" || seen[k] || s.t.Cases == "" {
			continue
		}
		seen[k] = true
		items = append(items, put(s.t.Cases, assignstore.AssignmentItem(a.CaseID, a.Subject, a.Kind, now), "", nil))
	}
	for _, m := range e.Team {
		if m[0] != "" && m[1] != "" && s.t.Cases != "" {
			items = append(items, put(s.t.Cases, assignstore.TeamItem(m[0], m[1]), "", nil))
		}
	}
	for _, k := range e.Undue {
		if s.t.Cases != "" {
			items = append(items, del(s.t.Cases, k))
		}
	}
	for _, d := range e.Due {
		if s.t.Cases == "" {
			continue
		}
		if w, err := due.Put(s.t.Cases, d); err == nil {
			items = append(items, w)
		}
	}
	if s.t.Reports != "" {
		items = append(items, reportstore.Increments(s.t.Reports, e.Counts)...)
		items = append(items, reportstore.OpenActions(s.t.Reports, e.OpenActions)...)
	}
	return items, opt
}

// ---------------------------------------------------------------- meetings

func meetingItem(m meeting.Meeting) (item, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("meetingstore: encode meeting %s: %w", m.ID, err)
	}
	start := Stamp(m.Start)
	return withKey(MeetingKey(m.ID), item{
		"type": dynamo.S("meeting"), "id": dynamo.S(m.ID), "caseId": dynamo.S(m.CaseID),
		"status": dynamo.S(string(m.Status)), "level": dynamo.N(int64(m.Level)), "start": dynamo.S(start),
		"version": dynamo.N(int64(m.Version)), "body": dynamo.S(string(body)), "assignedFor": dynamo.S(m.AssignedFor),
		"gsi1pk": dynamo.S("CASE#" + m.CaseID), "gsi1sk": dynamo.S("MEETING#" + start + "#" + m.ID),
		"gsi2pk": dynamo.S("MONTH#" + start[:7]), "gsi2sk": dynamo.S(start + "#" + m.ID),
	}), nil
}

// MeetingFrom decodes a meeting item (also from a stream image).
func MeetingFrom(it item) (meeting.Meeting, error) {
	var m meeting.Meeting
	if err := json.Unmarshal([]byte(str(it, "body")), &m); err != nil {
		return meeting.Meeting{}, fmt.Errorf("meetingstore: decode meeting %s: %w", str(it, "id"), err)
	}
	m.Version = num(it, "version")
	return m, nil
}

func attendanceItem(m meeting.Meeting, a meeting.Attendee) item {
	return withKey(attendanceKey(m.ID, a.StaffID), item{
		"type": dynamo.S("attendance"), "meetingId": dynamo.S(m.ID), "caseId": dynamo.S(m.CaseID),
		"staffId": dynamo.S(a.StaffID), "status": dynamo.S(string(m.Status)), "rule": dynamo.S(string(a.Rule)),
		"gsi1pk": dynamo.S("STAFF#" + a.StaffID), "gsi1sk": dynamo.S("MEETING#" + Stamp(m.Start) + "#" + m.ID),
	})
}

func attendanceItems(table string, before, after meeting.Meeting) []types.TransactWriteItem {
	var items []types.TransactWriteItem
	now := map[string]bool{}
	for _, a := range after.Attendees {
		if now[a.StaffID] {
			continue
		}
		now[a.StaffID] = true
		items = append(items, put(table, attendanceItem(after, a), "", nil))
	}
	gone := map[string]bool{}
	for _, a := range before.Attendees {
		if !now[a.StaffID] && !gone[a.StaffID] {
			gone[a.StaffID] = true
			items = append(items, del(table, attendanceKey(before.ID, a.StaffID)))
		}
	}
	return items
}

// CreateMeeting writes a new meeting (version 1) with its effects.
func (s *Store) CreateMeeting(ctx context.Context, m meeting.Meeting, e Effects) (meeting.Meeting, error) {
	m.Version = 1
	it, err := meetingItem(m)
	if err != nil {
		return meeting.Meeting{}, err
	}
	items := []types.TransactWriteItem{put(s.t.Meetings, it, "attribute_not_exists(pk)", nil)}
	items = append(items, attendanceItems(s.t.Meetings, meeting.Meeting{}, m)...)
	eff, opt := s.effectItems(e, s.clock.Now(), len(items))
	items = append(items, eff...)
	if err := s.transact(ctx, items, opt); err != nil {
		if isConditionFailed(err) {
			return meeting.Meeting{}, ErrExists
		}
		return meeting.Meeting{}, err
	}
	return m, nil
}

// GetMeeting reads a meeting (consistent).
func (s *Store) GetMeeting(ctx context.Context, id string) (meeting.Meeting, error) {
	it, err := s.get(ctx, s.t.Meetings, MeetingKey(id))
	if err != nil {
		return meeting.Meeting{}, err
	}
	return MeetingFrom(it)
}

// UpdateMeeting is the meeting's read-modify-write, shared/aggregate's
// pattern: it reads the meeting, lets fn change it and say what the
// change causes, and writes the meeting, its attendance index items and
// the effects in one transaction conditional on the version read. After a
// lost race (the version moved) it reads again and runs fn again (fn must
// have no side effects), with the one retry policy; fn's error is
// returned as is with nothing written, and fn returning ErrUnchanged
// writes nothing and returns the meeting as read.
func (s *Store) UpdateMeeting(ctx context.Context, id string, fn func(*meeting.Meeting) (Effects, error)) (meeting.Meeting, error) {
	var out meeting.Meeting
	err := aggregate.Loop(ctx, s.retry, func(ctx context.Context) error {
		before, err := s.GetMeeting(ctx, id)
		if err != nil {
			return err
		}
		after := before
		after.Attendees = append([]meeting.Attendee(nil), before.Attendees...)
		after.History = append([]meeting.Change(nil), before.History...)
		e, err := fn(&after)
		if errors.Is(err, ErrUnchanged) {
			out = before
			return nil
		}
		if err != nil {
			return aggregate.Abort(err)
		}
		after.Version = before.Version + 1
		it, err := meetingItem(after)
		if err != nil {
			return err
		}
		items := []types.TransactWriteItem{versioned(s.t.Meetings, it, before.Version)}
		items = append(items, attendanceItems(s.t.Meetings, before, after)...)
		eff, opt := s.effectItems(e, s.clock.Now(), len(items))
		if err := s.commit(ctx, append(items, eff...), opt); err != nil {
			return err
		}
		out = after
		return nil
	})
	if err != nil {
		return meeting.Meeting{}, conflict("meeting "+id, err)
	}
	return out, nil
}

// commit writes one read-modify-write's items (the record first) with
// aggregate.Commit: the record's failed condition is aggregate.ErrLostRace
// (the caller's aggregate.Loop reads again); effects in optional that
// already exist (emails, tasks with deterministic ids) are dropped and the
// rest written again; any other failed condition is conditionFailed.
func (s *Store) commit(ctx context.Context, items []types.TransactWriteItem, optional map[int]bool) error {
	for {
		err := aggregate.Commit(ctx, s.db, items)
		var ee *aggregate.EffectError
		if !errors.As(err, &ee) {
			return err
		}
		for _, i := range ee.Failed {
			if !optional[i] {
				return conditionFailed{indexes: ee.Failed, err: err}
			}
		}
		var keep []types.TransactWriteItem
		nopt := map[int]bool{}
		for i, it := range items {
			if !slices.Contains(ee.Failed, i) {
				if optional[i] {
					nopt[len(keep)] = true
				}
				keep = append(keep, it)
			}
		}
		items, optional = keep, nopt
	}
}

// conflict maps a read-modify-write's failure: a record that kept changing
// or a failed condition is ErrVersionConflict.
func conflict(what string, err error) error {
	if errors.Is(err, aggregate.ErrConflict) || isConditionFailed(err) {
		return fmt.Errorf("%s: %w", what, ErrVersionConflict)
	}
	return err
}

// Page is one page of meetings; Cursor continues the list ("" at the end).
type Page struct {
	Meetings []meeting.Meeting
	Cursor   string
}

func encodeCursor(k item) string {
	m := map[string]string{}
	for name, v := range k {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			m[name] = s.Value
		}
	}
	b, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(c, pkName, pk string) (item, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, ErrBadCursor
	}
	var m map[string]string
	if json.Unmarshal(b, &m) != nil || m[pkName] != pk {
		return nil, ErrBadCursor
	}
	out := item{}
	for k, v := range m {
		out[k] = dynamo.S(v)
	}
	return out, nil
}

// pageOf runs one page of a Query on an index partition, between two sort
// key bounds, and loads the meetings it names.
func (s *Store) pageOf(ctx context.Context, index, pkName, skName, pk, from, to, cursor string, limit int32, attendance bool) (Page, error) {
	if limit <= 0 || limit > 100 {
		limit = s.pageSz
	}
	in := &dynamodb.QueryInput{
		TableName: aws.String(s.t.Meetings), IndexName: aws.String(index), Limit: aws.Int32(limit),
		KeyConditionExpression:    aws.String(fmt.Sprintf("%s = :pk AND %s BETWEEN :from AND :to", pkName, skName)),
		ExpressionAttributeValues: item{":pk": dynamo.S(pk), ":from": dynamo.S(from), ":to": dynamo.S(to)},
	}
	if cursor != "" {
		k, err := decodeCursor(cursor, pkName, pk)
		if err != nil {
			return Page{}, err
		}
		in.ExclusiveStartKey = k
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("meetingstore: list: %w", err)
	}
	p := Page{Meetings: []meeting.Meeting{}}
	if len(out.LastEvaluatedKey) > 0 {
		p.Cursor = encodeCursor(out.LastEvaluatedKey)
	}
	if !attendance {
		for _, it := range out.Items {
			m, err := MeetingFrom(it)
			if err != nil {
				return Page{}, err
			}
			p.Meetings = append(p.Meetings, m)
		}
		return p, nil
	}
	ids := make([]string, 0, len(out.Items))
	for _, it := range out.Items {
		ids = append(ids, str(it, "meetingId"))
	}
	ms, err := s.GetMeetings(ctx, ids)
	if err != nil {
		return Page{}, err
	}
	for _, id := range ids {
		if m, ok := ms[id]; ok {
			p.Meetings = append(p.Meetings, m)
		}
	}
	return p, nil
}

// GetMeetings reads meetings by id (BatchGetItem, in chunks of 100).
func (s *Store) GetMeetings(ctx context.Context, ids []string) (map[string]meeting.Meeting, error) {
	out := map[string]meeting.Meeting{}
	for start := 0; start < len(ids); start += 100 {
		end := min(start+100, len(ids))
		var keys []item
		seen := map[string]bool{}
		for _, id := range ids[start:end] {
			if !seen[id] {
				seen[id] = true
				keys = append(keys, MeetingKey(id).Attrs())
			}
		}
		req := map[string]types.KeysAndAttributes{s.t.Meetings: {Keys: keys, ConsistentRead: aws.Bool(true)}}
		for len(req) > 0 {
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, fmt.Errorf("meetingstore: batch get: %w", err)
			}
			for _, it := range res.Responses[s.t.Meetings] {
				m, err := MeetingFrom(it)
				if err != nil {
					return nil, err
				}
				out[m.ID] = m
			}
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}

// ListByCase lists a case's meetings in date order, a page at a time
// (Query gsi1 CASE#<id>, sort key MEETING#<start>#<id>).
func (s *Store) ListByCase(ctx context.Context, caseID, cursor string, limit int32) (Page, error) {
	return s.pageOf(ctx, dynamo.GSI1, "gsi1pk", "gsi1sk", "CASE#"+caseID, "MEETING#", "MEETING#~", cursor, limit, false)
}

// ListByStaff lists the meetings one person attends from from to to
// (Query gsi1 STAFF#<id>, sort key MEETING#<start>#<id>).
func (s *Store) ListByStaff(ctx context.Context, staffID string, from, to time.Time, cursor string, limit int32) (Page, error) {
	return s.pageOf(ctx, dynamo.GSI1, "gsi1pk", "gsi1sk", "STAFF#"+staffID, "MEETING#"+Stamp(from), "MEETING#"+Stamp(to)+"~", cursor, limit, true)
}

// DateCursor continues a date-range list across months.
type dateCursor struct {
	Month string `json:"m"`
	Key   string `json:"k,omitempty"`
}

// ListByDates lists meetings from from to to (inclusive days, Europe/London)
// in time order: one Query of gsi2 MONTH#<yyyy-mm> per month, paginated by
// key; the cursor holds the month and the key.
func (s *Store) ListByDates(ctx context.Context, from, to civil.Date, cursor string, limit int32) (Page, error) {
	start, end := from.In(civil.London).UTC(), to.AddDays(1).In(civil.London).UTC().Add(-time.Nanosecond)
	month := Stamp(start)[:7]
	key := ""
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		var dc dateCursor
		if err != nil || json.Unmarshal(b, &dc) != nil || dc.Month < month || dc.Month > Stamp(end)[:7] {
			return Page{}, ErrBadCursor
		}
		month, key = dc.Month, dc.Key
	}
	if limit <= 0 || limit > 100 {
		limit = s.pageSz
	}
	out := Page{Meetings: []meeting.Meeting{}}
	for {
		p, err := s.pageOf(ctx, dynamo.GSI2, "gsi2pk", "gsi2sk", "MONTH#"+month, Stamp(start), Stamp(end)+"~", key, limit-int32(len(out.Meetings)), false)
		if err != nil {
			return Page{}, err
		}
		out.Meetings = append(out.Meetings, p.Meetings...)
		next := month
		if p.Cursor == "" {
			next = nextMonth(month)
			if next > Stamp(end)[:7] {
				return out, nil
			}
		}
		if int32(len(out.Meetings)) >= limit {
			b, _ := json.Marshal(dateCursor{Month: next, Key: p.Cursor})
			out.Cursor = base64.RawURLEncoding.EncodeToString(b)
			return out, nil
		}
		month, key = next, p.Cursor
	}
}

func nextMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return "9999-12"
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// CaseMeetings returns every meeting of a case, each read consistently
// (the case's index names them; BatchGetItem reads them), so a stream
// consumer sees the change that woke it even if the index lags.
func (s *Store) CaseMeetings(ctx context.Context, caseID string) ([]meeting.Meeting, error) {
	items, err := s.queryIndexAll(ctx, s.t.Meetings, "CASE#"+caseID, "MEETING#")
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, str(it, "id"))
	}
	byID, err := s.GetMeetings(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]meeting.Meeting, 0, len(byID))
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// Upcoming returns the case's meetings that are scheduled and not over.
func (s *Store) Upcoming(ctx context.Context, caseID string, now time.Time) ([]meeting.Meeting, error) {
	items, err := s.queryIndexAll(ctx, s.t.Meetings, "CASE#"+caseID, "MEETING#")
	if err != nil {
		return nil, err
	}
	var out []meeting.Meeting
	for _, it := range items {
		m, err := MeetingFrom(it)
		if err != nil {
			return nil, err
		}
		if m.Upcoming(now) {
			out = append(out, m)
		}
	}
	return out, nil
}
