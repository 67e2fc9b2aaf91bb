package dynamo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

func TestMain(m *testing.M) { localstack.Main(m) }

func item(k dynamo.Key, extra map[string]types.AttributeValue) map[string]types.AttributeValue {
	m := k.Attrs()
	for n, v := range extra {
		m[n] = v
	}
	return m
}

func putNew(table string, it map[string]types.AttributeValue) *dynamodb.PutItemInput {
	return &dynamodb.PutItemInput{
		TableName:           aws.String(table),
		Item:                it,
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}
}

// The store round trip against DynamoDB Local: the behaviours every store
// builds on (create-only puts, all-or-nothing transactions, index queries).
func TestStoreRoundTrip(t *testing.T) {
	stack := localstack.ForTest(t)
	tables := stack.Tables(t)
	var db dynamo.Client = stack.DB(t)
	ctx := context.Background()

	caseKey := dynamo.Key{PK: "CASE#c1", SK: "CASE"}
	first := item(caseKey, map[string]types.AttributeValue{
		"version": dynamo.N(1), "gsi1pk": dynamo.S("TEAM#north"), "gsi1sk": dynamo.S("2026-11-01#c1"),
	})

	t.Run("put then get", func(t *testing.T) {
		if _, err := db.PutItem(ctx, putNew(tables.Cases, first)); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tables.Cases), Key: caseKey.Attrs(), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := got.Item["version"].(*types.AttributeValueMemberN); !ok || v.Value != "1" {
			t.Errorf("item = %v", got.Item)
		}
	})

	t.Run("conditional put on an existing key fails and changes nothing", func(t *testing.T) {
		second := item(caseKey, map[string]types.AttributeValue{"version": dynamo.N(99)})
		_, err := db.PutItem(ctx, putNew(tables.Cases, second))
		if !dynamo.IsConditionFailed(err) {
			t.Fatalf("err = %v, want a failed condition", err)
		}
		if _, ok := dynamo.CancelledBy(err); ok {
			t.Error("a single put's failure reported as a cancelled transaction")
		}
		got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tables.Cases), Key: caseKey.Attrs(), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if v := got.Item["version"].(*types.AttributeValueMemberN).Value; v != "1" {
			t.Errorf("version = %s after a failed put", v)
		}
	})

	auditKey := dynamo.Key{PK: "AUDIT#c1", SK: "2026-11-23T10:00:00Z#1"}
	t.Run("transaction with a failing condition writes nothing and names the item", func(t *testing.T) {
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(tables.Audit), Item: item(auditKey, nil), ConditionExpression: aws.String("attribute_not_exists(pk)")}},
			{Update: &types.Update{ // stale version: optimistic lock fails
				TableName:                 aws.String(tables.Cases),
				Key:                       caseKey.Attrs(),
				UpdateExpression:          aws.String("SET version = :next"),
				ConditionExpression:       aws.String("version = :expected"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":next": dynamo.N(8), ":expected": dynamo.N(7)},
			}},
		}})
		failed, ok := dynamo.CancelledBy(err)
		if !ok {
			t.Fatalf("err = %v, want a cancelled transaction", err)
		}
		if !slices.Equal(failed, []int{1}) {
			t.Errorf("failed items = %v, want [1]", failed)
		}
		if dynamo.IsConditionFailed(err) {
			t.Error("a cancelled transaction reported as a single failed condition")
		}
		if dynamo.IsTransactionConflict(err) {
			t.Error("a failed condition reported as a conflict")
		}
		got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tables.Audit), Key: auditKey.Attrs(), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if got.Item != nil {
			t.Error("the audit entry of a cancelled transaction was written")
		}
	})

	t.Run("transaction that holds writes every item", func(t *testing.T) {
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(tables.Audit), Item: item(auditKey, nil), ConditionExpression: aws.String("attribute_not_exists(pk)")}},
			{Update: &types.Update{
				TableName:                 aws.String(tables.Cases),
				Key:                       caseKey.Attrs(),
				UpdateExpression:          aws.String("SET version = :next"),
				ConditionExpression:       aws.String("version = :expected"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":next": dynamo.N(2), ":expected": dynamo.N(1)},
			}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
			{Get: &types.Get{TableName: aws.String(tables.Audit), Key: auditKey.Attrs()}},
			{Get: &types.Get{TableName: aws.String(tables.Cases), Key: caseKey.Attrs()}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Responses[0].Item == nil {
			t.Error("audit entry missing")
		}
		if v := res.Responses[1].Item["version"].(*types.AttributeValueMemberN).Value; v != "2" {
			t.Errorf("version = %s, want 2", v)
		}
	})

	t.Run("query on gsi1 returns the team's cases in sort-key order", func(t *testing.T) {
		for _, c := range []struct{ id, team, sk string }{
			{"c2", "north", "2026-10-01#c2"},
			{"c3", "south", "2026-09-01#c3"},
			{"c4", "north", "2026-12-01#c4"},
		} {
			it := item(dynamo.Key{PK: dynamo.PK("CASE#" + c.id), SK: "CASE"}, map[string]types.AttributeValue{
				"version": dynamo.N(1), "gsi1pk": dynamo.S("TEAM#" + c.team), "gsi1sk": dynamo.S(c.sk),
			})
			if _, err := db.PutItem(ctx, putNew(tables.Cases, it)); err != nil {
				t.Fatal(err)
			}
		}
		out, err := db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(tables.Cases),
			IndexName:                 aws.String(dynamo.GSI1),
			KeyConditionExpression:    aws.String("gsi1pk = :team AND begins_with(gsi1sk, :year)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":team": dynamo.S("TEAM#north"), ":year": dynamo.S("2026-")},
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range out.Items {
			got = append(got, it["pk"].(*types.AttributeValueMemberS).Value)
		}
		if want := []string{"CASE#c2", "CASE#c1", "CASE#c4"}; !slices.Equal(got, want) {
			t.Errorf("gsi1 query = %v, want %v", got, want)
		}
	})

	t.Run("query on gsi2 of the referrals table", func(t *testing.T) {
		it := item(dynamo.Key{PK: "REFERRAL#r1", SK: "REFERRAL"}, map[string]types.AttributeValue{
			"gsi2pk": dynamo.S("AGENCY#police"), "gsi2sk": dynamo.S("2026-11-23#r1"),
		})
		if _, err := db.PutItem(ctx, putNew(tables.Referrals, it)); err != nil {
			t.Fatal(err)
		}
		out, err := db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(tables.Referrals),
			IndexName:                 aws.String(dynamo.GSI2),
			KeyConditionExpression:    aws.String("gsi2pk = :a"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":a": dynamo.S("AGENCY#police")},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 {
			t.Errorf("gsi2 query returned %d items", len(out.Items))
		}
	})
}

func TestErrorHelpersIgnoreOtherErrors(t *testing.T) {
	err := context.DeadlineExceeded
	if dynamo.IsConditionFailed(err) || dynamo.IsTransactionConflict(err) {
		t.Error("unrelated error classified")
	}
	if _, ok := dynamo.CancelledBy(err); ok {
		t.Error("unrelated error is a cancelled transaction")
	}
	if dynamo.IsConditionFailed(nil) {
		t.Error("nil is a failed condition")
	}
}
