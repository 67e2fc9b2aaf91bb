package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/register"
)

// registerAttrs are the attributes the register reads (gsi2 projects
// them; a BatchGetItem of case items asks for the same).
var registerAttrs = []string{"id", "status", "givenNames", "familyName", "level", "rag", "risk", "category", "nextReview", "reviewBasis"}

// registerBatch is how many index items one Query of a partition asks for.
const registerBatch = 100

func entryFrom(it item) register.Entry {
	next, _ := civil.Parse(str(it, "nextReview"))
	return register.Entry{
		CaseID: str(it, "id"), GivenNames: str(it, "givenNames"), FamilyName: str(it, "familyName"),
		Light: register.Light(str(it, "rag")), Level: num(it, "level"), Category: num(it, "category"),
		Risk: str(it, "risk"), Next: next, Basis: register.Basis(str(it, "reviewBasis")),
	}
}

// partitionReader reads one traffic light's partition of the register
// index in key order, a Query page at a time, keeping only rows that pass
// the filters (level and category in a FilterExpression; overdue as a key
// condition, gsi2sk < today).
type partitionReader struct {
	s     *Store
	in    *dynamodb.QueryInput
	buf   []register.Entry
	done  bool
	reads int
}

func (s *Store) partition(light string, q register.Query, today civil.Date, after string) *partitionReader {
	names := map[string]string{"#pk": "gsi2pk"}
	values := item{":pk": dynamo.S(RegisterPK(light))}
	cond := "#pk = :pk"
	if q.Overdue {
		names["#sk"] = "gsi2sk"
		values[":today"] = dynamo.S(today.String())
		cond += " AND #sk < :today"
	}
	var filters []string
	switch {
	case q.Level == -1:
		filters = append(filters, "(attribute_not_exists(#level) OR #level = :zero)")
		names["#level"], values[":zero"] = "level", dynamo.N(0)
	case q.Level > 0:
		filters = append(filters, "#level = :level")
		names["#level"], values[":level"] = "level", dynamo.N(int64(q.Level))
	}
	if q.Category > 0 {
		filters = append(filters, "#category = :category")
		names["#category"], values[":category"] = "category", dynamo.N(int64(q.Category))
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.tables.Cases),
		IndexName:                 aws.String(dynamo.GSI2),
		KeyConditionExpression:    aws.String(cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		Limit:                     aws.Int32(registerBatch),
	}
	if len(filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
	}
	if after != "" {
		// The cursor's key names the case: the index's exclusive start key
		// is its index key and the table key of the case item.
		_, caseID, _ := strings.Cut(after, "#")
		in.ExclusiveStartKey = item{
			"gsi2pk": dynamo.S(RegisterPK(light)), "gsi2sk": dynamo.S(after),
			"pk": dynamo.S(string(caseKey(caseID).PK)), "sk": dynamo.S(string(caseKey(caseID).SK)),
		}
	}
	return &partitionReader{s: s, in: in}
}

// peek returns the next row (ok false at the end).
func (p *partitionReader) peek(ctx context.Context) (register.Entry, bool, error) {
	for len(p.buf) == 0 && !p.done {
		out, err := p.s.db.Query(ctx, p.in)
		if err != nil {
			return register.Entry{}, false, fmt.Errorf("store: register: %w", err)
		}
		p.reads++
		for _, it := range out.Items {
			p.buf = append(p.buf, entryFrom(it))
		}
		if len(out.LastEvaluatedKey) == 0 {
			p.done = true
		}
		p.in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if len(p.buf) == 0 {
		return register.Entry{}, false, nil
	}
	return p.buf[0], true, nil
}

func (p *partitionReader) pop() { p.buf = p.buf[1:] }

// RegisterPage is one page of the risk register for everyone (the index):
// rows after q.After that pass q's filters, in q's order, at most q.Limit,
// and the cursor of the next page (zero on the last). For SortRAG the
// partitions are read one after another (red, amber, green, not set); for
// SortReview they are merged by key. Only Queries: never a Scan.
func (s *Store) RegisterPage(ctx context.Context, q register.Query, today civil.Date) ([]register.Entry, register.Cursor, error) {
	var readers []*partitionReader
	for _, light := range q.Partitions() {
		skip, after := q.After.StartAfter(q.Sort, light)
		if skip {
			continue
		}
		readers = append(readers, s.partition(light, q, today, after))
	}
	var rows []register.Entry
	for len(rows) <= q.Limit {
		// The next row: the first partition's for SortRAG (partitions in
		// order), the smallest key of all for SortReview.
		best := -1
		var bestRow register.Entry
		for i, r := range readers {
			e, ok, err := r.peek(ctx)
			if err != nil {
				return nil, register.Cursor{}, err
			}
			if !ok {
				continue
			}
			if best < 0 || register.Compare(q.Sort, e, bestRow) < 0 {
				best, bestRow = i, e
			}
			if q.Sort == register.SortRAG {
				break
			}
		}
		if best < 0 {
			break
		}
		readers[best].pop()
		rows = append(rows, bestRow)
	}
	if len(rows) <= q.Limit {
		return rows, register.Cursor{}, nil
	}
	rows = rows[:q.Limit]
	return rows, register.CursorAt(q.Sort, rows[len(rows)-1]), nil
}

// RegisterEntries returns the register rows of the open cases among ids
// (BatchGetItem of the case items, the register's attributes only). It is
// how the register reads the cases of a caller who may see only some.
func (s *Store) RegisterEntries(ctx context.Context, ids []string) ([]register.Entry, error) {
	var out []register.Entry
	names := map[string]string{}
	var proj []string
	for _, a := range registerAttrs {
		names["#"+a] = a
		proj = append(proj, "#"+a)
	}
	for chunk := range slices.Chunk(ids, 100) {
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, id := range chunk {
			keys[i] = caseKey(id).Attrs()
		}
		req := map[string]types.KeysAndAttributes{s.tables.Cases: {
			Keys: keys, ProjectionExpression: aws.String(strings.Join(proj, ", ")), ExpressionAttributeNames: names,
		}}
		err := s.retry.Retry(ctx, func(err error) bool { return errors.Is(err, errUnprocessed) }, func(ctx context.Context, _ int) error {
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return fmt.Errorf("store: register: batch get cases: %w", err)
			}
			for _, it := range res.Responses[s.tables.Cases] {
				if str(it, "status") == CaseOpen {
					out = append(out, entryFrom(it))
				}
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

// errSameReview stops UpdateCase when the review dates have not changed.
var errSameReview = errors.New("store: review dates unchanged")

// SetReview records what the register needs of a case's meetings (the next
// booked, the last held) with its audit entry, in one versioned write of
// the case item; its register index entry moves with it. Nothing is
// written when they are already r (a replayed stream record). It reports
// whether anything changed; a merged case, or one that does not exist (a
// meeting recorded without a case), is left alone.
func (s *Store) SetReview(ctx context.Context, caseID string, r register.Review, entry audit.Entry) (bool, error) {
	_, err := s.UpdateCase(ctx, caseID, func(c *Case) (CaseEffects, error) {
		if c.Status != CaseOpen || c.Review == r {
			return CaseEffects{}, errSameReview
		}
		c.Review = r
		return CaseEffects{Effects: aggregate.Effects{Audit: []audit.Entry{entry}}}, nil
	})
	switch {
	case errors.Is(err, errSameReview), errors.Is(err, ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}
