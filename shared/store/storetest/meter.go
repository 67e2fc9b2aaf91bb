package storetest

import (
	"context"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// Meter is a dynamo.Client that asks DynamoDB for the capacity every call
// consumes (ReturnConsumedCapacity INDEXES) and adds it up, per table and
// per index, until Take.
type Meter struct {
	DB dynamo.Client
	// Images, when set, is used (unmeasured) to read the before and after
	// image of every item a transaction writes, for Usage.Writes.
	Images dynamo.Client
	mu     sync.Mutex
	// units: "<table>" or "<table>/<index>" -> capacity units.
	units  map[string]float64
	calls  []string
	reads  []Read
	writes []Write
}

// Read is one call's items as DynamoDB returned them.
type Read struct {
	Call       string
	Table      string
	Index      string
	Consistent bool
	Items      []dynamo.Item
}

// Write is one item a transaction wrote: its images before and after
// (nil where there was none).
type Write struct {
	Table         string
	Key           dynamo.Key
	Before, After dynamo.Item
}

// NewMeter wraps db.
func NewMeter(db dynamo.Client) *Meter { return &Meter{DB: db, units: map[string]float64{}} }

var _ dynamo.Client = (*Meter)(nil)

// Usage is the capacity consumed by the calls since the last Take.
type Usage struct {
	// Units per table ("<table>") and index ("<table>/<index>").
	Units map[string]float64
	// Calls are the DynamoDB calls made, in order.
	Calls []string
	// Reads are the items each read call returned.
	Reads []Read
	// Writes are the items transactions wrote (with Images set).
	Writes []Write
}

// Total is the sum of Units.
func (u Usage) Total() float64 {
	var t float64
	for _, v := range u.Units {
		t += v
	}
	return t
}

// Take returns the usage since the last Take and starts again.
func (m *Meter) Take() Usage {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := Usage{Units: m.units, Calls: m.calls, Reads: m.reads, Writes: m.writes}
	m.units, m.calls, m.reads, m.writes = map[string]float64{}, nil, nil, nil
	return u
}

func (m *Meter) add(call string, cs ...types.ConsumedCapacity) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, call)
	for _, c := range cs {
		t := deref(c.TableName)
		if c.Table != nil {
			m.units[t] += derefF(c.Table.CapacityUnits)
		}
		names := make([]string, 0, len(c.GlobalSecondaryIndexes))
		for n := range c.GlobalSecondaryIndexes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			m.units[t+"/"+n] += derefF(c.GlobalSecondaryIndexes[n].CapacityUnits)
		}
		if c.Table == nil && len(c.GlobalSecondaryIndexes) == 0 {
			m.units[t] += derefF(c.CapacityUnits)
		}
	}
}

func (m *Meter) read(r Read) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads = append(m.reads, r)
}

func nonNil(it dynamo.Item) []dynamo.Item {
	if len(it) == 0 {
		return nil
	}
	return []dynamo.Item{it}
}

func writeOf(ti types.TransactWriteItem) (Write, bool) {
	switch {
	case ti.Put != nil:
		return Write{Table: deref(ti.Put.TableName), Key: dynamo.KeyOf(ti.Put.Item)}, true
	case ti.Update != nil:
		return Write{Table: deref(ti.Update.TableName), Key: dynamo.KeyOf(ti.Update.Key)}, true
	case ti.Delete != nil:
		return Write{Table: deref(ti.Delete.TableName), Key: dynamo.KeyOf(ti.Delete.Key)}, true
	}
	return Write{}, false
}

// image reads an item unmeasured (nil if there is none).
func (m *Meter) image(ctx context.Context, table string, k dynamo.Key) dynamo.Item {
	out, err := m.Images.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: k.Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil || len(out.Item) == 0 {
		return nil
	}
	return out.Item
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefF(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func one(c *types.ConsumedCapacity) []types.ConsumedCapacity {
	if c == nil {
		return nil
	}
	return []types.ConsumedCapacity{*c}
}

const indexes = types.ReturnConsumedCapacityIndexes

// GetItem is dynamodb's, measured.
func (m *Meter) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c := *in
	c.ReturnConsumedCapacity = indexes
	out, err := m.DB.GetItem(ctx, &c, o...)
	if err == nil {
		m.add("GetItem", one(out.ConsumedCapacity)...)
		m.read(Read{Call: "GetItem", Table: deref(in.TableName), Consistent: in.ConsistentRead != nil && *in.ConsistentRead, Items: nonNil(out.Item)})
	}
	return out, err
}

// PutItem is dynamodb's, measured.
func (m *Meter) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c := *in
	c.ReturnConsumedCapacity = indexes
	out, err := m.DB.PutItem(ctx, &c, o...)
	if err == nil {
		m.add("PutItem", one(out.ConsumedCapacity)...)
	}
	return out, err
}

// UpdateItem is dynamodb's, measured.
func (m *Meter) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c := *in
	c.ReturnConsumedCapacity = indexes
	out, err := m.DB.UpdateItem(ctx, &c, o...)
	if err == nil {
		m.add("UpdateItem", one(out.ConsumedCapacity)...)
	}
	return out, err
}

// DeleteItem is dynamodb's, measured.
func (m *Meter) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	c := *in
	c.ReturnConsumedCapacity = indexes
	out, err := m.DB.DeleteItem(ctx, &c, o...)
	if err == nil {
		m.add("DeleteItem", one(out.ConsumedCapacity)...)
	}
	return out, err
}

// Query is dynamodb's, measured.
func (m *Meter) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c := *in
	c.ReturnConsumedCapacity = indexes
	out, err := m.DB.Query(ctx, &c, o...)
	if err == nil {
		m.add("Query", one(out.ConsumedCapacity)...)
		m.read(Read{Call: "Query", Table: deref(in.TableName), Index: deref(in.IndexName), Consistent: in.ConsistentRead != nil && *in.ConsistentRead, Items: out.Items})
	}
	return out, err
}

// TransactWriteItems is dynamodb's, measured.
func (m *Meter) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c := *in
	c.ReturnConsumedCapacity = indexes
	var ws []Write
	if m.Images != nil {
		for _, ti := range in.TransactItems {
			if w, ok := writeOf(ti); ok {
				w.Before = m.image(ctx, w.Table, w.Key)
				ws = append(ws, w)
			}
		}
	}
	out, err := m.DB.TransactWriteItems(ctx, &c, o...)
	if err == nil {
		m.add("TransactWriteItems", out.ConsumedCapacity...)
		for i := range ws {
			ws[i].After = m.image(ctx, ws[i].Table, ws[i].Key)
		}
		m.mu.Lock()
		m.writes = append(m.writes, ws...)
		m.mu.Unlock()
	}
	return out, err
}

// TransactGetItems is dynamodb's, measured.
func (m *Meter) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	c := *in
	c.ReturnConsumedCapacity = indexes
	out, err := m.DB.TransactGetItems(ctx, &c, o...)
	if err == nil {
		m.add("TransactGetItems", out.ConsumedCapacity...)
	}
	return out, err
}

// BatchGetItem is dynamodb's, measured.
func (m *Meter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c := *in
	c.ReturnConsumedCapacity = indexes
	out, err := m.DB.BatchGetItem(ctx, &c, o...)
	if err == nil {
		m.add("BatchGetItem", out.ConsumedCapacity...)
		for table, items := range out.Responses {
			ka := in.RequestItems[table]
			m.read(Read{Call: "BatchGetItem", Table: table, Consistent: ka.ConsistentRead != nil && *ka.ConsistentRead, Items: items})
		}
	}
	return out, err
}
