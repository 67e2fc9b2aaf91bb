// Package reportstore keeps the Strategic Management Board's counters in
// DynamoDB: one small item per area, month, metric and shard, added to in
// the same transaction as the event it counts (classification, decision,
// level), and read back with one Query per month. Nothing here scans.
//
// # Item type (ReferralsTable)
//
//	type     pk                          sk                  attributes
//	counter  REPORT#<area>#<YYYY-MM>     <metric>#<shard>    n (number), area, month, metric
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

// Increments are the transaction items that count evs (one each).
func Increments(table string, evs []report.Event) []types.TransactWriteItem {
	out := make([]types.TransactWriteItem, 0, len(evs))
	for _, e := range evs {
		k := Key(Area, e.Month, e.Metric, rand.IntN(Shards)) //nolint:gosec // spreading writes, not a secret
		out = append(out, types.TransactWriteItem{Update: &types.Update{
			TableName:                 aws.String(table),
			Key:                       k.Attrs(),
			UpdateExpression:          aws.String("ADD n :one SET #type = :type, area = :area, #month = :month, metric = :metric"),
			ExpressionAttributeNames:  map[string]string{"#type": "type", "#month": "month"},
			ExpressionAttributeValues: dynamo.Item{":one": dynamo.N(1), ":type": dynamo.S("counter"), ":area": dynamo.S(Area), ":month": dynamo.S(e.Month), ":metric": dynamo.S(string(e.Metric))},
		}})
	}
	return out
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
