package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// mergeWrites are the writes that merge r's provisional case (r.CaseID)
// into target, besides r's own state (which UpdateReferral writes with
// the new caseId): every referral of the provisional case is re-linked
// to target (link items moved, other referrals' caseId updated), the
// provisional case's identifier claims and name keys move to target, and
// the provisional case is marked merged with mergedInto = target. Nothing
// is deleted from the target. Every write is conditional on what was
// read, so a change meanwhile cancels the transaction.
//
// ErrNotOpen if the target is merged; ErrNotFound if it does not exist;
// ErrVersionConflict if the target is r's own case or the provisional
// case is no longer open.
func (s *Store) mergeWrites(ctx context.Context, r Referral, targetID string, now time.Time) ([]types.TransactWriteItem, error) {
	t := s.tables
	if targetID == r.CaseID {
		return nil, fmt.Errorf("referral %s: target is its own case: %w", r.ID, ErrVersionConflict)
	}
	prov, err := s.caseLinks(ctx, r.CaseID)
	if err != nil {
		return nil, err
	}
	target, err := s.GetCase(ctx, targetID)
	if err != nil {
		return nil, err
	}
	if target.Status != CaseOpen {
		return nil, fmt.Errorf("case %s: %w", target.ID, ErrNotOpen)
	}
	if prov.Case.Status != CaseOpen {
		return nil, fmt.Errorf("case %s: %w", prov.Case.ID, ErrVersionConflict)
	}
	var items []types.TransactWriteItem
	for _, l := range prov.Referrals {
		items = append(items,
			del(t.Cases, caseReferralKey(prov.Case.ID, l.ReceivedAt, l.ReferralID)),
			put(t.Cases, caseReferralItem(target.ID, l), ""))
		if l.ReferralID == r.ID {
			continue
		}
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(t.Referrals),
			Key:                       referralKey(l.ReferralID).Attrs(),
			UpdateExpression:          aws.String("SET caseId = :target, version = version + :one, updatedAt = :now"),
			ConditionExpression:       aws.String("caseId = :prov"),
			ExpressionAttributeValues: item{":target": dynamo.S(target.ID), ":prov": dynamo.S(prov.Case.ID), ":one": dynamo.N(1), ":now": dynamo.S(stamp(now))},
		}})
	}
	items = append(items, types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.Cases),
		Key:                       caseKey(prov.Case.ID).Attrs(),
		UpdateExpression:          aws.String("SET #status = :merged, mergedInto = :target, gsi1pk = :g1, version = version + :one, updatedAt = :now REMOVE gsi2pk, gsi2sk"),
		ConditionExpression:       aws.String("version = :pv AND #status = :open"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: item{":merged": dynamo.S(CaseMerged), ":target": dynamo.S(target.ID), ":g1": dynamo.S("CASES#merged"), ":one": dynamo.N(1), ":now": dynamo.S(stamp(now)), ":pv": dynamo.N(int64(prov.Case.Version)), ":open": dynamo.S(CaseOpen)},
	}})
	sets := identifierSets(prov.Case.Identifiers())
	if len(prov.Case.NameKeys) > 0 {
		sets["nameKeys"] = prov.Case.NameKeys
	}
	// The merged referral brings its risk of serious harm to the case.
	touch := caseTouch(t.Cases, target.ID, now, sets, prov.Case.Risk)
	touch.ConditionExpression = aws.String("version = :tv AND #status = :open")
	touch.ExpressionAttributeValues[":tv"] = dynamo.N(int64(target.Version))
	items = append(items, types.TransactWriteItem{Update: touch})
	for _, id := range prov.Case.Identifiers() {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(t.Cases),
			Key:                       claimKey(id).Attrs(),
			UpdateExpression:          aws.String("SET caseId = :target"),
			ConditionExpression:       aws.String("caseId = :prov"),
			ExpressionAttributeValues: item{":target": dynamo.S(target.ID), ":prov": dynamo.S(prov.Case.ID)},
		}})
	}
	for _, k := range prov.Case.NameKeys {
		items = append(items,
			del(t.Cases, nameIndexKey(k, prov.Case.ID)),
			put(t.Cases, nameIndexItem(k, target.ID), ""))
	}
	return items, nil
}

// ---------------------------------------------------------------- cursors

// encodeCursor makes an opaque cursor from a LastEvaluatedKey (string
// attributes only: the referral and index keys).
func encodeCursor(k map[string]types.AttributeValue) string {
	m := map[string]string{}
	for name, v := range k {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			m[name] = s.Value
		}
	}
	b, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCaseCursor reads a case-history cursor back and checks it belongs
// to the case's partition.
func decodeCaseCursor(c string, pk dynamo.PK) (map[string]types.AttributeValue, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, ErrBadCursor
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil || len(m) != 2 || m["pk"] != string(pk) || m["sk"] == "" {
		return nil, ErrBadCursor
	}
	return map[string]types.AttributeValue{"pk": dynamo.S(m["pk"]), "sk": dynamo.S(m["sk"])}, nil
}
