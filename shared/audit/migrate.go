package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// MigrationDB is what MigrateSortKeys needs.
type MigrationDB interface {
	Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// MigrateSortKeys rewrites every audit record whose sort key was written
// with the earlier RFC 3339 (variable-width) time, which sorted
// "10:00:00Z" after "10:00:00.1Z", to the fixed-width stamp
// (dynamo.StampLayout), with its actor index key too. Each record moves in
// one transaction (put the new key if absent, delete the old), so a
// record is never lost or doubled and a second run changes nothing. It
// returns how many records moved.
//
// It is a one-off operation an operator runs with a role that may delete
// from the audit table (no function has one); it is the only Scan in the
// system and runs on no request path or sweep.
func MigrateSortKeys(ctx context.Context, db MigrationDB, table string) (int, error) {
	moved := 0
	in := &dynamodb.ScanInput{TableName: aws.String(table)}
	for {
		page, err := db.Scan(ctx, in)
		if err != nil {
			return moved, fmt.Errorf("audit: migrate: scan: %w", err)
		}
		for _, it := range page.Items {
			done, err := migrateItem(ctx, db, table, it)
			if err != nil {
				return moved, err
			}
			if done {
				moved++
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return moved, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

func migrateItem(ctx context.Context, db MigrationDB, table string, it dynamo.Item) (bool, error) {
	old := dynamo.KeyOf(it)
	at, id, ok := strings.Cut(string(old.SK), "#")
	if !ok || dynamo.IsStamp(at) {
		return false, nil
	}
	t, err := dynamo.ParseStamp(at)
	if err != nil {
		return false, fmt.Errorf("audit: migrate %s: %w", old.PK, err)
	}
	e := Entry{ID: id, At: t, Subject: strings.TrimPrefix(string(old.PK), "AUDIT#")}
	if v, ok := it["actor"].(*types.AttributeValueMemberS); ok {
		e.Actor = v.Value
	}
	moved := dynamo.Item{}
	for k, v := range it {
		moved[k] = v
	}
	g := e.ActorIndexKey()
	e.Key().With(moved)
	moved["at"] = dynamo.S(dynamo.Stamp(t))
	moved["gsi1pk"] = dynamo.S(string(g.PK))
	moved["gsi1sk"] = dynamo.S(string(g.SK))
	_, err = db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(table), Item: moved, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Delete: &types.Delete{TableName: aws.String(table), Key: old.Attrs(), ConditionExpression: aws.String("attribute_exists(pk)")}},
	}})
	if failed, _ := dynamo.CancelledBy(err); len(failed) > 0 {
		return false, nil // moved meanwhile by another run
	}
	if err != nil {
		return false, fmt.Errorf("audit: migrate %s: %w", old.PK, err)
	}
	return true, nil
}
