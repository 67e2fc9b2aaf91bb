package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/referral"
)

// MatchResolution is a business support officer's answer to a referral's
// possible matches.
type MatchResolution struct {
	ReferralID      string
	ExpectedVersion int
	Decision        referral.MatchDecision
	// TargetCaseID is the case the person is, for same-person.
	TargetCaseID string
	// History is the entry added to the referral's decision history
	// (Kind "match:same-person" or "match:different-person").
	History referral.Decision
	Audit   []audit.Entry
}

// ResolveMatch records the answer in one transaction.
//
// different-person: the referral's match state becomes different-person.
//
// same-person: the referral's provisional case is merged into the target:
// every referral of the provisional case is re-linked to the target (link
// items moved, caseId updated), the provisional case's identifier claims
// and name keys move to the target, and the provisional case is marked
// merged with mergedInto = target. Nothing is deleted from the target.
//
// ErrVersionConflict if the referral, either case or a claim changed since
// they were read; ErrNotOpen if the target is merged; ErrNotFound if the
// target does not exist.
func (s *Store) ResolveMatch(ctx context.Context, m MatchResolution) error {
	r, err := s.GetReferral(ctx, m.ReferralID)
	if err != nil {
		return err
	}
	if r.Version != m.ExpectedVersion || r.MatchState != referral.MatchPending {
		return fmt.Errorf("referral %s: %w", r.ID, ErrVersionConflict)
	}
	t := s.tables
	now := m.History.At
	refUpdate := func(extraSet string, values item) types.TransactWriteItem {
		v := item{
			":one": dynamo.N(1), ":now": dynamo.S(stamp(now)), ":v": dynamo.N(int64(m.ExpectedVersion)),
			":pending": dynamo.S(string(referral.MatchPending)), ":state": dynamo.S(string(m.Decision)),
		}
		maps.Copy(v, values)
		return types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(t.Referrals),
			Key:                       referralKey(r.ID).Attrs(),
			UpdateExpression:          aws.String("SET matchState = :state, version = version + :one, updatedAt = :now" + extraSet),
			ConditionExpression:       aws.String("version = :v AND matchState = :pending"),
			ExpressionAttributeValues: v,
		}}
	}
	items := []types.TransactWriteItem{}
	if m.Decision == referral.MatchDifferentPerson {
		items = append(items, refUpdate("", nil))
	} else {
		if m.TargetCaseID == r.CaseID {
			return fmt.Errorf("referral %s: target is its own case: %w", r.ID, ErrVersionConflict)
		}
		prov, err := s.GetCaseDetail(ctx, r.CaseID)
		if err != nil {
			return err
		}
		target, err := s.GetCase(ctx, m.TargetCaseID)
		if err != nil {
			return err
		}
		if target.Status != CaseOpen {
			return fmt.Errorf("case %s: %w", target.ID, ErrNotOpen)
		}
		if prov.Case.Status != CaseOpen {
			return fmt.Errorf("case %s: %w", prov.Case.ID, ErrVersionConflict)
		}
		items = append(items, refUpdate(", caseId = :target", item{":target": dynamo.S(target.ID), ":prov": dynamo.S(prov.Case.ID)}))
		items[0].Update.ConditionExpression = aws.String("version = :v AND matchState = :pending AND caseId = :prov")
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
			UpdateExpression:          aws.String("SET #status = :merged, mergedInto = :target, gsi1pk = :g1, version = version + :one, updatedAt = :now"),
			ConditionExpression:       aws.String("version = :pv AND #status = :open"),
			ExpressionAttributeNames:  map[string]string{"#status": "status"},
			ExpressionAttributeValues: item{":merged": dynamo.S(CaseMerged), ":target": dynamo.S(target.ID), ":g1": dynamo.S("CASES#merged"), ":one": dynamo.N(1), ":now": dynamo.S(stamp(now)), ":pv": dynamo.N(int64(prov.Case.Version)), ":open": dynamo.S(CaseOpen)},
		}})
		sets := identifierSets(prov.Case.Identifiers())
		if len(prov.Case.NameKeys) > 0 {
			sets["nameKeys"] = prov.Case.NameKeys
		}
		touch := caseTouch(t.Cases, target.ID, now, sets)
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
	}
	items = append(items, put(t.Referrals, decisionItem(r.ID, m.History), "attribute_not_exists(pk)"))
	items = append(items, s.auditItems(m.Audit)...)
	if len(items) > 100 {
		return fmt.Errorf("store: merge of case %s needs %d writes, more than one transaction holds", r.CaseID, len(items))
	}
	failed, err := s.transact(ctx, items)
	if err == nil {
		return nil
	}
	if len(failed) > 0 {
		return fmt.Errorf("referral %s: %w", r.ID, ErrVersionConflict)
	}
	return err
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

// decodeCursor reads a cursor back and checks it belongs to the index
// partition being listed, so a cursor cannot steer a query elsewhere.
func decodeCursor(c, pkName, skName, pk string) (map[string]types.AttributeValue, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, ErrBadCursor
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, ErrBadCursor
	}
	want := []string{"pk", "sk", pkName, skName}
	got := slices.Sorted(maps.Keys(m))
	slices.Sort(want)
	if !slices.Equal(got, want) || m[pkName] != pk || !strings.HasPrefix(m["pk"], "REFERRAL#") || m["sk"] != "REFERRAL" {
		return nil, ErrBadCursor
	}
	out := map[string]types.AttributeValue{}
	for k, v := range m {
		out[k] = dynamo.S(v)
	}
	return out, nil
}
