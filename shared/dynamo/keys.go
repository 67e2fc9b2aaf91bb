package dynamo

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

// PK is a partition key value ("REFERRAL#<id>"). It is its own type so a
// sort key cannot be passed where a partition key is expected.
type PK string

// SK is a sort key value ("REFERRAL", "DECISION#<stamp>#<id>").
type SK string

// Key is a primary key: partition key and sort key. The typed constructors
// of each store build Keys.
type Key struct {
	PK PK
	SK SK
}

// Item is one DynamoDB item.
type Item = map[string]types.AttributeValue

// Attrs returns the key as DynamoDB attribute values (pk, sk).
func (k Key) Attrs() Item {
	return Item{"pk": S(string(k.PK)), "sk": S(string(k.SK))}
}

// KeyOf reads the pk and sk attributes of an item.
func KeyOf(it Item) Key {
	var k Key
	if v, ok := it["pk"].(*types.AttributeValueMemberS); ok {
		k.PK = PK(v.Value)
	}
	if v, ok := it["sk"].(*types.AttributeValueMemberS); ok {
		k.SK = SK(v.Value)
	}
	return k
}

// With returns it with the key's pk and sk set (it is modified).
func (k Key) With(it Item) Item {
	if it == nil {
		it = Item{}
	}
	it["pk"] = S(string(k.PK))
	it["sk"] = S(string(k.SK))
	return it
}

// IndexKey is the partition and sort key of an item in a global secondary
// index (gsi1pk/gsi1sk, gsi2pk/gsi2sk).
type IndexKey struct {
	PK PK
	SK SK
}
