package streams_test

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mappa-coordinator/mappa/infra/streams"
)

// DynamoDB Local answers TrimmedDataAccessException to an iterator taken
// while the shard was empty once records arrive: the consumer must take a
// fresh one, or a poller started on a new table never sees anything.
func TestRecordsWrittenAfterAnEmptyPollAreDelivered(t *testing.T) {
	e := setup(t)
	var got []string
	h := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		for _, r := range ev.Records {
			got = append(got, r.Change.Keys["pk"].String())
		}
		return events.DynamoDBEventResponse{}, nil
	}
	c, err := streams.FromTemplate("ClassifyFunction", e.classify, e.tables.Referrals, e.api, h)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if n, err := c.RunOnce(context.Background()); err != nil || n != 0 {
			t.Fatalf("empty stream: %d records, %v", n, err)
		}
	}
	put(t, e.db, e.tables.Referrals, "REFERRAL#late", "referral")
	if _, err := c.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	put(t, e.db, e.tables.Referrals, "REFERRAL#later", "referral")
	if _, err := c.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "REFERRAL#late" || got[1] != "REFERRAL#later" {
		t.Fatalf("delivered %v", got)
	}
}
