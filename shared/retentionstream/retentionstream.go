// Package retentionstream is the RetentionFunction's handler. It reads
// the cases, referrals and meetings tables' streams and does two things:
//
//   - Expiry is audited. A REMOVE whose userIdentity is the DynamoDB
//     service (type "Service", principal "dynamodb.amazonaws.com") is a
//     time-to-live deletion, not a person's: each one gets an audit record
//     (retention.expired, actor system:ttl) naming the item's kind and the
//     case it belonged to, from the old image's keys and ids (never its
//     contents). The record's id is derived from the stream event's id, so
//     a replayed batch writes nothing twice. The audit table has no time to
//     live and is append-only: the audit of an expired case outlives it.
//   - A case's records follow the case. When a case's expiry changes
//     (closed, held, hold lifted: its expiresAt in the new image differs
//     from the old), every record of the case gets the case's CURRENT
//     expiry (read consistently, so out-of-order or repeated events
//     converge on the latest state), or loses it: the case's own partition
//     (referral links, level and traffic-light history, assignments), its
//     identifier claims and name keys, each linked referral's items, and in
//     the meetings table its meetings (and attendance), minutes records and
//     extracts, child links, actions and tasks, and the meeting notices and
//     invitations. Each item is one UpdateItem conditional on the item
//     existing. Children's own items are not touched: a child may be linked
//     to other cases and their record is children's social care's.
//
// No Scan: every read is a GetItem or a Query on a key or an index.
package retentionstream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// ActionExpired is the audit action of a time-to-live deletion.
const ActionExpired audit.Action = "retention.expired"

// Actor is the audit actor of expiries.
const Actor = "system:ttl"

// TTLPrincipal is the stream userIdentity of DynamoDB's time-to-live
// deletions.
const TTLPrincipal = "dynamodb.amazonaws.com"

// Handler handles the streams' records.
type Handler struct {
	DB     dynamo.Client
	Tables dynamo.Tables
	Audit  audit.Writer
	Logger *slog.Logger
}

// Handle processes a batch, reporting the records that failed (they are
// retried by Lambda, and parked after their retries).
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	log := h.Logger
	if log == nil {
		log = slog.Default()
	}
	for _, rec := range ev.Records {
		if err := h.record(ctx, rec); err != nil {
			log.ErrorContext(ctx, "retention: record failed; it will be retried", slog.String("eventId", rec.EventID),
				slog.String("sequenceNumber", rec.Change.SequenceNumber), slog.String("error", err.Error()))
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
		}
	}
	return resp, nil
}

// IsExpiry reports whether rec is DynamoDB's time-to-live deletion.
func IsExpiry(rec events.DynamoDBEventRecord) bool {
	u := rec.UserIdentity
	return rec.EventName == string(events.DynamoDBOperationTypeRemove) && u != nil && u.Type == "Service" && u.PrincipalID == TTLPrincipal
}

func (h *Handler) record(ctx context.Context, rec events.DynamoDBEventRecord) error {
	switch {
	case IsExpiry(rec):
		return h.expired(ctx, rec)
	case rec.EventName == string(events.DynamoDBOperationTypeModify) && estr(rec.Change.NewImage, "type") == "case":
		if num(rec.Change.OldImage, store.ExpiresAttr) == num(rec.Change.NewImage, store.ExpiresAttr) {
			return nil
		}
		return h.Propagate(ctx, estr(rec.Change.NewImage, "id"))
	}
	return nil
}

// expired writes the audit record of one expired item.
func (h *Handler) expired(ctx context.Context, rec events.DynamoDBEventRecord) error {
	old := rec.Change.OldImage
	pk, sk := estr(rec.Change.Keys, "pk"), estr(rec.Change.Keys, "sk")
	kind := estr(old, "type")
	if kind == "" {
		kind = "item"
	}
	caseID := estr(old, "caseId")
	subject := ""
	switch p, id, _ := strings.Cut(pk, "#"); p {
	case "CASE":
		caseID, subject = id, "case:"+id
	case "REFERRAL":
		subject = "referral:" + id
	case "MEETING":
		subject = "meeting:" + id
	case "MINUTES":
		subject = "minutes:" + id
	case "NOTICE":
		subject = "meeting:" + id
	}
	if subject == "" {
		if caseID != "" {
			subject = "case:" + caseID
		} else {
			// Identifier claims and name keys: no case id of their own in
			// every shape; named by a hash of the key, never the value.
			sum := sha256.Sum256([]byte(pk + "/" + sk))
			subject = "record:" + hex.EncodeToString(sum[:8])
		}
	}
	at := rec.Change.ApproximateCreationDateTime.Time
	if at.IsZero() {
		at = time.Now()
	}
	sum := sha256.Sum256([]byte(rec.EventSourceArn + "/" + rec.EventID))
	err := h.Audit.Record(ctx, audit.Entry{ID: "ttl-" + hex.EncodeToString(sum[:12]), At: at.UTC(), Actor: Actor, Action: ActionExpired,
		Subject: subject, CaseID: caseID, Reason: "time to live: " + kind})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil // a replayed record: already audited
	}
	return err
}

// Propagate gives every record of the case the case's current expiry (or
// none). It is idempotent.
func (h *Handler) Propagate(ctx context.Context, caseID string) error {
	out, err := h.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(h.Tables.Cases),
		Key: dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: "CASE"}.Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("retention: read case %s: %w", caseID, err)
	}
	if len(out.Item) == 0 {
		return nil // gone already (expired): nothing to stamp
	}
	expires := out.Item[store.ExpiresAttr]
	keys, err := h.records(ctx, caseID, out.Item)
	if err != nil {
		return err
	}
	for _, k := range keys {
		in := &dynamodb.UpdateItemInput{TableName: aws.String(k.table), Key: k.key.Attrs(),
			ConditionExpression:      aws.String("attribute_exists(pk)"),
			ExpressionAttributeNames: map[string]string{"#e": store.ExpiresAttr}}
		if expires != nil {
			in.UpdateExpression = aws.String("SET #e = :e")
			in.ExpressionAttributeValues = map[string]types.AttributeValue{":e": expires}
		} else {
			in.UpdateExpression = aws.String("REMOVE #e")
		}
		_, err := h.DB.UpdateItem(ctx, in)
		var ccf *types.ConditionalCheckFailedException
		if err != nil && !errors.As(err, &ccf) {
			return fmt.Errorf("retention: stamp %s/%s: %w", k.key.PK, k.key.SK, err)
		}
	}
	return nil
}

type tableKey struct {
	table string
	key   dynamo.Key
}

// records lists the keys of every record of the case but the case item.
func (h *Handler) records(ctx context.Context, caseID string, c map[string]types.AttributeValue) ([]tableKey, error) {
	var out []tableKey
	add := func(table string, items []map[string]types.AttributeValue) {
		for _, it := range items {
			out = append(out, tableKey{table, dynamo.Key{PK: dynamo.PK(str(it, "pk")), SK: dynamo.SK(str(it, "sk"))}})
		}
	}
	// The case's partition in the cases table.
	own, err := h.query(ctx, h.Tables.Cases, "", "pk", "CASE#"+caseID)
	if err != nil {
		return nil, err
	}
	for _, it := range own {
		if sk := str(it, "sk"); sk != "CASE" {
			add(h.Tables.Cases, []map[string]types.AttributeValue{it})
			// Each linked referral's items.
			if rest, ok := strings.CutPrefix(sk, "REFERRAL#"); ok {
				rid := rest[strings.LastIndexByte(rest, '#')+1:]
				items, err := h.query(ctx, h.Tables.Referrals, "", "pk", "REFERRAL#"+rid)
				if err != nil {
					return nil, err
				}
				add(h.Tables.Referrals, items)
			}
		}
	}
	// Identifier claims and name keys.
	for attr, kind := range map[string]string{"crns": "crn", "pncs": "pnc", "councilNumbers": "councilNumber"} {
		for _, v := range set(c, attr) {
			out = append(out, tableKey{h.Tables.Cases, dynamo.Key{PK: dynamo.PK("IDENT#" + kind + "#" + v), SK: "IDENT"}})
		}
	}
	for _, v := range set(c, "nameKeys") {
		out = append(out, tableKey{h.Tables.Cases, dynamo.Key{PK: dynamo.PK("NAMEKEY#" + v), SK: dynamo.SK("CASE#" + caseID)}})
	}
	// The meetings table: the case's partition (child links, actions,
	// tasks) and, by the index, its meetings and minutes records.
	items, err := h.query(ctx, h.Tables.Meetings, "", "pk", "CASE#"+caseID)
	if err != nil {
		return nil, err
	}
	add(h.Tables.Meetings, items)
	indexed, err := h.query(ctx, h.Tables.Meetings, dynamo.GSI1, "gsi1pk", "CASE#"+caseID)
	if err != nil {
		return nil, err
	}
	for _, it := range indexed {
		pk := str(it, "pk")
		if !strings.HasPrefix(pk, "MEETING#") && !strings.HasPrefix(pk, "MINUTES#") {
			continue
		}
		part, err := h.query(ctx, h.Tables.Meetings, "", "pk", pk)
		if err != nil {
			return nil, err
		}
		add(h.Tables.Meetings, part)
		if id, ok := strings.CutPrefix(pk, "MEETING#"); ok {
			notices, err := h.query(ctx, h.Tables.Cases, "", "pk", "NOTICE#"+id)
			if err != nil {
				return nil, err
			}
			add(h.Tables.Cases, notices)
		}
	}
	return out, nil
}

// query reads every item of one partition (keys only).
func (h *Handler) query(ctx context.Context, table, index, keyName, key string) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	var start map[string]types.AttributeValue
	for {
		in := &dynamodb.QueryInput{TableName: aws.String(table), ExclusiveStartKey: start,
			KeyConditionExpression:    aws.String("#k = :k"),
			ExpressionAttributeNames:  map[string]string{"#k": keyName},
			ExpressionAttributeValues: map[string]types.AttributeValue{":k": dynamo.S(key)}}
		if index != "" {
			in.IndexName = aws.String(index)
		} else {
			in.ProjectionExpression = aws.String("pk, sk")
		}
		res, err := h.DB.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("retention: query %s: %w", key, err)
		}
		out = append(out, res.Items...)
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}

func str(m map[string]types.AttributeValue, name string) string {
	if v, ok := m[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func set(m map[string]types.AttributeValue, name string) []string {
	if v, ok := m[name].(*types.AttributeValueMemberSS); ok {
		return v.Value
	}
	return nil
}

// estr reads a string attribute of a stream image ("" when absent).
func estr(m map[string]events.DynamoDBAttributeValue, name string) string {
	v, ok := m[name]
	if !ok || v.DataType() != events.DataTypeString {
		return ""
	}
	return v.String()
}

// num reads a number attribute of a stream image ("" when absent).
func num(m map[string]events.DynamoDBAttributeValue, name string) string {
	v, ok := m[name]
	if !ok || v.DataType() != events.DataTypeNumber {
		return ""
	}
	if _, err := strconv.ParseFloat(v.Number(), 64); err != nil {
		return ""
	}
	return v.Number()
}
