// Package reportstore keeps the Strategic Management Board's counters in
// DynamoDB: one small item per area, month, metric and shard, added to in
// the same transaction as the event it counts (classification, decision,
// level), and read back with one Query per month. Nothing here scans.
//
// # Item type (ReferralsTable)
//
//	type     pk                          sk                  attributes
//	counter       REPORT#<area>#<YYYY-MM>        <metric>#<shard>   n (number), area, month, metric
//	open-actions  REPORT#<area>#OPEN-ACTIONS     <due>#<shard>      n (number), area, due
//
// Each counter is split over Shards items (the shard picked at random per
// event) so that a busy month's counter is not one hot item that concurrent
// transactions collide on; a read adds the shards up.
package reportstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/report"
)

// Shards is how many items each counter is split over.
const Shards = 4

// Area is the one area this deployment reports for (a council's MAPPA
// area); the key carries it so a multi-area deployment needs no migration.
const Area = "all"

// Key is the key of one shard of a counter.
func Key(area, month string, m report.Metric, shard int) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("REPORT#" + area + "#" + month), SK: dynamo.SK(fmt.Sprintf("%s#%d", m, shard))}
}

// Increments are the transaction items that count evs: one per metric
// and month (events of the same metric and month are added up first, and
// a net of zero writes nothing: a transaction may not touch an item twice).
func Increments(table string, evs []report.Event) []types.TransactWriteItem {
	evs = report.Net(evs)
	out := make([]types.TransactWriteItem, 0, len(evs))
	for _, e := range evs {
		k := Key(Area, e.Month, e.Metric, rand.IntN(Shards)) //nolint:gosec // spreading writes, not a secret
		out = append(out, types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(table),
			Key:                       k.Attrs(),
			UpdateExpression:          aws.String("ADD n :one SET #type = :type, area = :area, #month = :month, metric = :metric"),
			ExpressionAttributeNames:  map[string]string{"#type": "type", "#month": "month"},
			ExpressionAttributeValues: dynamo.Item{":one": dynamo.N(int64(e.Delta())), ":type": dynamo.S("counter"), ":area": dynamo.S(Area), ":month": dynamo.S(e.Month), ":metric": dynamo.S(string(e.Metric))},
		}})
	}
	return out
}

// openActionsPK is the partition of the open-actions counters: one counter
// per due date (sharded), so "open now" is the sum of the partition and
// "overdue now" the sum of the due dates before today.
func openActionsPK(area string) dynamo.PK { return dynamo.PK("REPORT#" + area + "#OPEN-ACTIONS") }

// OpenActions are the transaction items that move the open-actions
// counters (an action agreed: +1 on its due date; closed: -1).
func OpenActions(table string, changes []report.OpenAction) []types.TransactWriteItem {
	out := make([]types.TransactWriteItem, 0, len(changes))
	for _, c := range changes {
		if c.Due.IsZero() || c.Delta == 0 {
			continue
		}
		k := dynamo.Key{PK: openActionsPK(Area), SK: dynamo.SK(fmt.Sprintf("%s#%d", c.Due, rand.IntN(Shards)))} //nolint:gosec // spreading writes, not a secret
		out = append(out, types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(table),
			Key:                       k.Attrs(),
			UpdateExpression:          aws.String("ADD n :d SET #type = :type, area = :area, due = :due"),
			ExpressionAttributeNames:  map[string]string{"#type": "type"},
			ExpressionAttributeValues: dynamo.Item{":d": dynamo.N(int64(c.Delta)), ":type": dynamo.S("open-actions"), ":area": dynamo.S(Area), ":due": dynamo.S(c.Due.String())},
		}})
	}
	return out
}

// ReadOpenActions returns how many actions are open now and how many of
// them are overdue (due before today): one Query of the open-actions
// partition (a few items per due date still open).
func ReadOpenActions(ctx context.Context, db Querier, table string, today civil.Date) (open, overdue int, err error) {
	var start map[string]types.AttributeValue
	for {
		res, err := db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(table),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S(string(openActionsPK(Area)))},
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return 0, 0, fmt.Errorf("reportstore: open actions: %w", err)
		}
		for _, it := range res.Items {
			sk, _ := it["sk"].(*types.AttributeValueMemberS)
			n, _ := it["n"].(*types.AttributeValueMemberN)
			if sk == nil || n == nil {
				continue
			}
			var v int
			if _, err := fmt.Sscan(n.Value, &v); err != nil {
				continue
			}
			open += v
			if due, _, _ := strings.Cut(sk.Value, "#"); due < today.String() {
				overdue += v
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return open, overdue, nil
		}
		start = res.LastEvaluatedKey
	}
}

// Querier is what Read needs from DynamoDB.
type Querier interface {
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// Read returns the counts of each month (shards added up): one Query per
// month on the month's partition.
func Read(ctx context.Context, db Querier, table string, months []string) (map[string]map[report.Metric]int, error) {
	out := make(map[string]map[report.Metric]int, len(months))
	for _, month := range months {
		counts := map[report.Metric]int{}
		var start map[string]types.AttributeValue
		for {
			res, err := db.Query(ctx, &dynamodb.QueryInput{
				TableName:                 aws.String(table),
				KeyConditionExpression:    aws.String("pk = :pk"),
				ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S("REPORT#" + Area + "#" + month)},
				ExclusiveStartKey:         start,
			})
			if err != nil {
				return nil, fmt.Errorf("reportstore: read %s: %w", month, err)
			}
			for _, it := range res.Items {
				sk, _ := it["sk"].(*types.AttributeValueMemberS)
				n, _ := it["n"].(*types.AttributeValueMemberN)
				if sk == nil || n == nil {
					continue
				}
				metric, _, _ := strings.Cut(sk.Value, "#")
				var v int
				if _, err := fmt.Sscan(n.Value, &v); err == nil {
					counts[report.Metric(metric)] += v
				}
			}
			if len(res.LastEvaluatedKey) == 0 {
				break
			}
			start = res.LastEvaluatedKey
		}
		out[month] = counts
	}
	return out, nil
}
