package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/referral"
)

// The referrals queue: list keys spread over ListShards partitions and
// ordered by urgency, per-status counters kept as events happen, and
// search entries for exact identifiers and normalised names. Nothing here
// scans (docs/data-model.md, "The referrals queue").

// ListShards is how many partitions each list key (every referral, and
// each status) is spread over. A referral's shard is a hash of its id, so
// it never moves; a page reads every shard and merges them in order.
// Changing it re-keys every referral.
const ListShards = 4

// listShard is the shard of a referral: FNV-1a of its id.
func listShard(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % ListShards)
}

// allReferralsPK and statusPK are the list indexes' partition keys: gsi1
// holds every referral, gsi2 one status; both sorted by UrgencyKey.
func allReferralsPK(shard int) dynamo.PK { return dynamo.PK(fmt.Sprintf("REFERRALS#%d", shard)) }

func statusPK(s referral.Status, shard int) dynamo.PK {
	return dynamo.PK(fmt.Sprintf("STATUS#%s#%d", s, shard))
}

// Open reports whether a referral in status s is still waiting for the
// council (received, classified, more information needed).
func Open(s referral.Status) bool {
	return s == referral.StatusReceived || s == referral.StatusClassified || s == referral.StatusMoreInformation
}

// UrgencyKey is the list indexes' sort key: ascending order is the
// queue's urgency order.
//
//  1. Referrals still waiting for the council (Open) with a meeting:
//     soonest meeting first (a meeting already past sorts first of all: it
//     is overdue), then by time, then longest waiting: "0#<date>#<HH:MM>#<received>#<id>".
//  2. Open referrals without a meeting, longest waiting first:
//     "1#<received>#<id>".
//  3. Accepted and declined referrals (nothing left to decide), newest
//     first: "2#<received with every digit d written 9-d>#<id>".
//
// A short-notice meeting is by definition a near one, so it sorts near
// the top of its tab. Days left are counted from the date, not stored, so
// the key never needs to change as days pass.
func UrgencyKey(status referral.Status, meetingDate, meetingTime string, received time.Time, id string) string {
	r := stamp(received)
	switch {
	case Open(status) && meetingDate != "":
		t := meetingTime
		if t == "" {
			t = "99:99" // a meeting without a time sorts after those of its day that have one
		}
		return "0#" + meetingDate + "#" + t + "#" + r + "#" + id
	case Open(status):
		return "1#" + r + "#" + id
	default:
		return "2#" + strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return '9' - c + '0'
			}
			return c
		}, r) + "#" + id
	}
}

// UrgencyKey is the summary's place in the queue (see UrgencyKey).
func (s Summary) UrgencyKey() string {
	return UrgencyKey(s.Status, s.MeetingDate, s.MeetingTime, s.CreatedAt, s.ID)
}

// SortByUrgency orders summaries as the queue does.
func SortByUrgency(items []Summary) {
	slices.SortStableFunc(items, func(a, b Summary) int { return strings.Compare(a.UrgencyKey(), b.UrgencyKey()) })
}

// ---------------------------------------------------------------- counters

// CountShards is how many items each status's counter is split over
// (the shard a hash of the referral id): concurrent transactions that add
// to one item collide and retry, so the counters are spread wider than
// the lists. Only the sum over the shards means anything.
//
// Received referrals have no counter: they are counted with Select COUNT
// on their four list partitions, which hold only the referrals waiting
// for the classifier (seconds each), so the count reads a handful of
// index entries, and intake, where a storm of retries of one request
// arrives at once, writes no shared item.
const CountShards = 16

// queueCountKey is one shard of the per-status counters: pk
// QUEUECOUNT#<shard>, sk <status>, attribute n. Each status change adds
// -1 to the old status and +1 to the new one in the change's own
// transaction.
func queueCountKey(shard int, s referral.Status) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK(fmt.Sprintf("QUEUECOUNT#%d", shard)), SK: dynamo.SK(s)}
}

func countShard(key string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % CountShards)
}

const typeQueueCount = "queue-count"

// countMove are the counter updates of a referral's move from one status
// to another, in the counter shard of the referral (received has no
// counter).
func (s *Store) countMove(referralID string, from, to referral.Status) []types.TransactWriteItem {
	var out []types.TransactWriteItem
	add := func(st referral.Status, n int64) {
		out = append(out, types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(s.tables.Referrals),
			Key:                       queueCountKey(countShard(referralID), st).Attrs(),
			UpdateExpression:          aws.String("ADD n :n SET #type = :type, #status = :status"),
			ExpressionAttributeNames:  map[string]string{"#type": "type", "#status": "status"},
			ExpressionAttributeValues: item{":n": dynamo.N(n), ":type": dynamo.S(typeQueueCount), ":status": dynamo.S(string(st))},
		}})
	}
	if from == to {
		return nil
	}
	if from != "" && from != referral.StatusReceived {
		add(from, -1)
	}
	if to != "" && to != referral.StatusReceived {
		add(to, 1)
	}
	return out
}

// QueueCounts returns how many referrals are in each status (every status
// present, zero included): one BatchGetItem of the counter items
// (CountShards for each status but received, 64), added up, and for
// received a Query with Select COUNT of each of its list partitions (in
// parallel; see CountShards). A count never goes below zero on screen.
func (s *Store) QueueCounts(ctx context.Context) (map[referral.Status]int, error) {
	out := map[referral.Status]int{}
	var keys []map[string]types.AttributeValue
	for _, st := range referral.Statuses {
		out[st] = 0
		if st == referral.StatusReceived {
			continue
		}
		for shard := range CountShards {
			keys = append(keys, queueCountKey(shard, st).Attrs())
		}
	}
	got, err := s.batchGet(ctx, map[string]types.KeysAndAttributes{s.tables.Referrals: {Keys: keys, ConsistentRead: aws.Bool(true)}})
	if err != nil {
		return nil, fmt.Errorf("store: queue counts: %w", err)
	}
	for _, it := range got {
		out[referral.Status(str(it, "sk"))] += num(it, "n")
	}
	received := make([]int, ListShards)
	shards := make([]int, ListShards)
	for i := range shards {
		shards[i] = i
	}
	if err := eachParallel(ctx, shards, func(ctx context.Context, shard int) error {
		in := &dynamodb.QueryInput{
			TableName:                 aws.String(s.tables.Referrals),
			IndexName:                 aws.String(dynamo.GSI2),
			KeyConditionExpression:    aws.String("gsi2pk = :pk"),
			ExpressionAttributeValues: item{":pk": dynamo.S(string(statusPK(referral.StatusReceived, shard)))},
			Select:                    types.SelectCount,
		}
		for {
			res, err := s.db.Query(ctx, in)
			if err != nil {
				return fmt.Errorf("store: count received: %w", err)
			}
			received[shard] += int(res.Count)
			if len(res.LastEvaluatedKey) == 0 {
				return nil
			}
			in.ExclusiveStartKey = res.LastEvaluatedKey
		}
	}); err != nil {
		return nil, err
	}
	for _, n := range received {
		out[referral.StatusReceived] += n
	}
	for st, n := range out {
		out[st] = max(n, 0)
	}
	return out, nil
}

// ---------------------------------------------------------------- lists

// ListQuery asks for one page of referrals, most urgent first.
type ListQuery struct {
	// Status filters by status; "" lists every referral.
	Status referral.Status
	// Limit is the page size (1-100; 0 means 25).
	Limit int
	// Cursor continues a previous page ("" for the first).
	Cursor string
}

// Page is one page of referrals, most urgent first (UrgencyKey).
type Page struct {
	Referrals []Summary
	// Next is the cursor of the next page, "" on the last.
	Next string
}

// listCursor is where each shard of a list stopped: the sort key of the
// last row shown from it, "" for not started, "-" for finished.
type listCursor struct {
	List string   `json:"l"`
	Pos  []string `json:"p"`
}

const shardDone = "-"

func encodeListCursor(c listCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeListCursor(s, list string) (listCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return listCursor{}, ErrBadCursor
	}
	var c listCursor
	if err := json.Unmarshal(b, &c); err != nil || c.List != list || len(c.Pos) != ListShards {
		return listCursor{}, ErrBadCursor
	}
	for _, p := range c.Pos {
		if p != "" && p != shardDone && urgencyID(p) == "" {
			return listCursor{}, ErrBadCursor
		}
	}
	return c, nil
}

// urgencyID is the referral id at the end of an urgency key ("" if k is
// not one).
func urgencyID(k string) string {
	if len(k) < 3 || k[1] != '#' || !strings.ContainsRune("012", rune(k[0])) {
		return ""
	}
	id := k[strings.LastIndexByte(k, '#')+1:]
	if id == "" || len(id) > 100 || strings.ContainsFunc(id, func(r rune) bool {
		return r >= unicode.MaxASCII || (!unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_')
	}) {
		return ""
	}
	return id
}

type listShardReader struct {
	pk    string
	start map[string]types.AttributeValue
	buf   []item
	ended bool // no more items after buf
	pos   string
}

// ListReferrals returns a page of referrals, most urgent first
// (UrgencyKey): by status from gsi2, or every status from gsi1. Each list
// is ListShards partitions; they are read (the first round in parallel),
// merged in sort-key order, and refilled only when one runs dry before
// the page is full, so a page of n rows reads about n + 2*ListShards
// index entries. The cursor holds every shard's position. Never a scan.
func (s *Store) ListReferrals(ctx context.Context, q ListQuery) (Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 25
	}
	limit = min(limit, 100)
	index, pkName, skName, list := dynamo.GSI1, "gsi1pk", "gsi1sk", "REFERRALS"
	pkOf := func(shard int) string { return string(allReferralsPK(shard)) }
	if q.Status != "" {
		index, pkName, skName, list = dynamo.GSI2, "gsi2pk", "gsi2sk", "STATUS#"+string(q.Status)
		pkOf = func(shard int) string { return string(statusPK(q.Status, shard)) }
	}
	cur := listCursor{List: list, Pos: make([]string, ListShards)}
	if q.Cursor != "" {
		var err error
		if cur, err = decodeListCursor(q.Cursor, list); err != nil {
			return Page{}, err
		}
	}
	shards := make([]*listShardReader, ListShards)
	for i := range shards {
		sh := &listShardReader{pk: pkOf(i), pos: cur.Pos[i]}
		switch sh.pos {
		case shardDone:
			sh.ended = true
		case "":
		default:
			id := urgencyID(sh.pos)
			sh.start = item{pkName: dynamo.S(sh.pk), skName: dynamo.S(sh.pos), "pk": dynamo.S("REFERRAL#" + id), "sk": dynamo.S("REFERRAL")}
		}
		shards[i] = sh
	}
	fetch := func(ctx context.Context, sh *listShardReader, n int) error {
		in := &dynamodb.QueryInput{
			TableName:                 aws.String(s.tables.Referrals),
			IndexName:                 aws.String(index),
			KeyConditionExpression:    aws.String("#pk = :pk"),
			ExpressionAttributeNames:  map[string]string{"#pk": pkName},
			ExpressionAttributeValues: item{":pk": dynamo.S(sh.pk)},
			ExclusiveStartKey:         sh.start,
			Limit:                     aws.Int32(int32(n)),
		}
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return fmt.Errorf("store: list referrals: %w", err)
		}
		sh.buf = append(sh.buf, out.Items...)
		sh.start = out.LastEvaluatedKey
		sh.ended = len(out.LastEvaluatedKey) == 0
		return nil
	}
	// First round: every live shard, in parallel, a fair share each.
	if err := eachParallel(ctx, shards, func(ctx context.Context, sh *listShardReader) error {
		if sh.ended {
			return nil
		}
		return fetch(ctx, sh, limit/ListShards+2)
	}); err != nil {
		return Page{}, err
	}
	var p Page
	for len(p.Referrals) < limit {
		var sh *listShardReader
		for _, c := range shards {
			if len(c.buf) == 0 && !c.ended {
				if err := fetch(ctx, c, limit-len(p.Referrals)); err != nil {
					return Page{}, err
				}
			}
			if len(c.buf) == 0 {
				continue
			}
			if sh == nil || str(c.buf[0], skName) < str(sh.buf[0], skName) {
				sh = c
			}
		}
		if sh == nil {
			break
		}
		it := sh.buf[0]
		sh.buf = sh.buf[1:]
		sh.pos = str(it, skName)
		r, err := summaryFrom(it)
		if err != nil {
			return Page{}, err
		}
		p.Referrals = append(p.Referrals, r)
	}
	// A shard whose buffer ran out exactly may still say "more": look, so
	// that a Next link never leads to an empty page.
	more := false
	for _, sh := range shards {
		if len(sh.buf) == 0 && !sh.ended {
			if err := fetch(ctx, sh, 1); err != nil {
				return Page{}, err
			}
		}
		if len(sh.buf) == 0 && sh.ended {
			sh.pos = shardDone
		} else {
			more = true
		}
	}
	if more {
		next := listCursor{List: list, Pos: make([]string, ListShards)}
		for i, sh := range shards {
			next.Pos[i] = sh.pos
		}
		p.Next = encodeListCursor(next)
	}
	return p, nil
}

// eachParallel runs fn for every element at once and returns the first
// error.
func eachParallel[T any](ctx context.Context, xs []T, fn func(context.Context, T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(xs))
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Go(func() {
			if errs[i] = fn(ctx, x); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ---------------------------------------------------------------- search

// Search entries: one small item per way of finding a referral, written
// in the transaction of the referral's first classification (seconds
// after it arrives; until then it is in the Received tab) and never
// changed (the body is never rewritten): pk FIND#<kind>#<value>, sk REFERRAL#<referralId>.
// Kinds: crn, pnc, council (normalised as for matching), ref (the agency's
// reference, letters and digits only, upper case), and name: a SHA-256 of
// the normalised family name, and of the first given name with it, for
// the person and each alias (at most maxNameEntries). Personal data never
// appears in a key: names only as a hash; the identifiers are already keys
// of the identifier claims.
const (
	typeSearchEntry = "search-entry"
	maxNameEntries  = 8
	// SearchLimit is the most referrals one search returns.
	SearchLimit = 50
)

func searchKey(kind, value, referralID string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("FIND#" + kind + "#" + value), SK: dynamo.SK("REFERRAL#" + referralID)}
}

func hashName(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(sum[:])
}

// foldReference keeps an agency reference's letters and digits, upper case.
func foldReference(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, s)
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// searchValues are the partitions (kind#value) a referral is found by.
func searchValues(body referral.Referral) []string {
	var out []string
	for _, id := range referral.IdentifiersOf(body.Person) {
		kind := string(id.Kind)
		if id.Kind == referral.KindCouncilNumber {
			kind = "council"
		}
		out = append(out, kind+"#"+id.Value)
	}
	if ref := foldReference(body.AgencyReference); ref != "" {
		out = append(out, "ref#"+ref)
	}
	var names []string
	addName := func(given, family string) {
		f := referral.NormaliseName(family)
		if f == "" {
			return
		}
		names = append(names, "name#"+hashName(f))
		if g := referral.NormaliseName(firstWord(given)); g != "" {
			names = append(names, "name#"+hashName(g, f))
		}
	}
	addName(body.Person.GivenNames, body.Person.FamilyName)
	for _, a := range body.Person.Aliases {
		addName(a.GivenNames, a.FamilyName)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	// The person's own names first, then aliases, up to the cap.
	own := searchNameOrder(body, names)
	out = append(out, own[:min(len(own), maxNameEntries)]...)
	return out
}

// searchNameOrder puts the person's own name entries first.
func searchNameOrder(body referral.Referral, names []string) []string {
	f := referral.NormaliseName(body.Person.FamilyName)
	first := []string{"name#" + hashName(f), "name#" + hashName(referral.NormaliseName(firstWord(body.Person.GivenNames)), f)}
	out := make([]string, 0, len(names))
	for _, n := range first {
		if slices.Contains(names, n) {
			out = append(out, n)
		}
	}
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// searchEntryItems are a new referral's search entries.
func searchEntryItems(r Referral) []item {
	var out []item
	for _, v := range searchValues(r.Body) {
		kind, value, _ := strings.Cut(v, "#")
		out = append(out, withKey(searchKey(kind, value, r.ID), item{
			"type": dynamo.S(typeSearchEntry), "referralId": dynamo.S(r.ID),
		}))
	}
	return out
}

// searchEntries are the puts of a new referral's search entries.
func (s *Store) searchEntries(r Referral) []types.TransactWriteItem {
	var out []types.TransactWriteItem
	for _, it := range searchEntryItems(r) {
		out = append(out, put(s.tables.Referrals, it, ""))
	}
	return out
}

// SearchPartitions are the search partitions (kind#value) a search for
// text reads: an identifier written any usual way (a CRN, a PNC number, a
// council number or an agency reference: anything with a digit), or a
// name: the family name alone, or a first given name and the family name
// (every split of the words, so "Anne de Souza" finds family name "de
// Souza"). Names match whole, case and accents ignored; not by prefix.
func SearchPartitions(text string) []string {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > 200 {
		return nil
	}
	var out []string
	if strings.ContainsFunc(text, unicode.IsDigit) {
		if v, ok := referral.NormaliseCRN(text); ok {
			out = append(out, "crn#"+v)
		}
		if v, ok := referral.NormalisePNC(text); ok {
			out = append(out, "pnc#"+v)
		}
		if v, ok := referral.NormaliseCouncilNumber(text); ok {
			out = append(out, "council#"+v)
		}
		if v := foldReference(text); v != "" {
			out = append(out, "ref#"+v)
		}
		return out
	}
	words := strings.Fields(text)
	if len(words) > 5 {
		words = words[:5]
	}
	for i := range words {
		f := referral.NormaliseName(strings.Join(words[i:], " "))
		if f == "" {
			continue
		}
		if i == 0 {
			out = append(out, "name#"+hashName(f))
		} else if g := referral.NormaliseName(words[0]); g != "" {
			// The first word as the first given name; any words between
			// are middle names, which the index leaves out.
			out = append(out, "name#"+hashName(g, f))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SearchResult is what a search found.
type SearchResult struct {
	// Referrals are the referrals found (at most SearchLimit), in no order.
	Referrals []Summary
	// More is true when more referrals matched than were returned.
	More bool
}

// SearchReferrals finds referrals by text (SearchPartitions): one Query of
// each partition (newest referrals first, at most SearchLimit+1 keys
// each, in parallel), then one BatchGetItem of the found referrals' small
// state items. No scan, no filter over the table.
func (s *Store) SearchReferrals(ctx context.Context, text string) (SearchResult, error) {
	parts := SearchPartitions(text)
	found := make([][]string, len(parts))
	more := make([]bool, len(parts))
	idx := make([]int, len(parts))
	for i := range idx {
		idx[i] = i
	}
	err := eachParallel(ctx, idx, func(ctx context.Context, i int) error {
		out, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(s.tables.Referrals),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: item{":pk": dynamo.S("FIND#" + parts[i])},
			ExpressionAttributeNames:  map[string]string{"#type": "type"},
			ProjectionExpression:      aws.String("referralId, #type"),
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(SearchLimit + 1),
		})
		if err != nil {
			return fmt.Errorf("store: search: %w", err)
		}
		for _, it := range out.Items {
			found[i] = append(found[i], str(it, "referralId"))
		}
		more[i] = len(out.LastEvaluatedKey) > 0 || len(out.Items) > SearchLimit
		return nil
	})
	if err != nil {
		return SearchResult{}, err
	}
	var ids []string
	anyMore := false
	for i := range parts {
		ids = append(ids, found[i]...)
		anyMore = anyMore || more[i]
	}
	return searchResult(ctx, ids, anyMore, s.GetSummaries)
}

// searchResult is the end of a search, the same for Store and Memory: the
// found ids without repeats, at most SearchLimit of them (ids sort in time
// order: the newest are kept, and More is set), as summaries.
func searchResult(ctx context.Context, ids []string, more bool, summaries func(context.Context, []string) (map[string]Summary, error)) (SearchResult, error) {
	res := SearchResult{More: more}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > SearchLimit {
		ids = ids[len(ids)-SearchLimit:]
		res.More = true
	}
	sums, err := summaries(ctx, ids)
	if err != nil {
		return SearchResult{}, err
	}
	for _, id := range ids {
		if r, ok := sums[id]; ok {
			res.Referrals = append(res.Referrals, r)
		}
	}
	return res, nil
}

// ---------------------------------------------------------------- a scope's referrals

// MaxScopeCases is how many cases ReferralsOfCases reads at most.
const MaxScopeCases = 500

// ReferralsOfCases returns the summaries of every referral of the given
// cases (for a member of staff who may see only some cases): one Query of
// each case's referral links (projection referralId, 8 at a time), then
// BatchGetItem of the referrals' state items. At most MaxScopeCases cases.
func (s *Store) ReferralsOfCases(ctx context.Context, caseIDs []string) ([]Summary, error) {
	if len(caseIDs) > MaxScopeCases {
		return nil, fmt.Errorf("store: %d cases is more than the %d one list reads", len(caseIDs), MaxScopeCases)
	}
	links := make([][]string, len(caseIDs))
	idx := make([]int, len(caseIDs))
	for i := range idx {
		idx[i] = i
	}
	for chunk := range slices.Chunk(idx, 8) {
		err := eachParallel(ctx, chunk, func(ctx context.Context, i int) error {
			in := &dynamodb.QueryInput{
				TableName:                 aws.String(s.tables.Cases),
				KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :p)"),
				ExpressionAttributeValues: item{":pk": dynamo.S(string(caseKey(caseIDs[i]).PK)), ":p": dynamo.S("REFERRAL#")},
				ProjectionExpression:      aws.String("referralId"),
			}
			for {
				out, err := s.db.Query(ctx, in)
				if err != nil {
					return fmt.Errorf("store: referrals of case %s: %w", caseIDs[i], err)
				}
				for _, it := range out.Items {
					links[i] = append(links[i], str(it, "referralId"))
				}
				if len(out.LastEvaluatedKey) == 0 {
					return nil
				}
				in.ExclusiveStartKey = out.LastEvaluatedKey
			}
		})
		if err != nil {
			return nil, err
		}
	}
	var ids []string
	for _, l := range links {
		ids = append(ids, l...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	sums, err := s.GetSummaries(ctx, ids)
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
