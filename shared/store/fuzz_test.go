package store

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// FuzzDecodeCursor: a cursor from a client can never steer a query to
// another partition or another kind of item: whatever decodes is a key of
// the listed partition and a referral.
func FuzzDecodeCursor(f *testing.F) {
	good := encodeCursor(map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "REFERRAL#r1"}, "sk": &types.AttributeValueMemberS{Value: "REFERRAL"},
		"gsi2pk": &types.AttributeValueMemberS{Value: "STATUS#received"}, "gsi2sk": &types.AttributeValueMemberS{Value: "x"},
	})
	for _, s := range []string{good, "", "bm9wZQ", "eyJwayI6IkNBU0UjMSJ9", strings.Repeat("A", 400)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		k, err := decodeCursor(c, "gsi2pk", "gsi2sk", "STATUS#received")
		if err != nil {
			return
		}
		s := func(n string) string {
			v, _ := k[n].(*types.AttributeValueMemberS)
			if v == nil {
				t.Fatalf("cursor without %s: %v", n, k)
			}
			return v.Value
		}
		if s("gsi2pk") != "STATUS#received" || !strings.HasPrefix(s("pk"), "REFERRAL#") || s("sk") != "REFERRAL" || len(k) != 4 {
			t.Fatalf("cursor %q steers the query to %v", c, k)
		}
	})
}
