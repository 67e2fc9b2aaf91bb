package template

import (
	"fmt"
	"sort"
)

// TableType is the CloudFormation type of a DynamoDB table.
const TableType = "AWS::DynamoDB::Table"

// KeyElement is one element of a key schema.
type KeyElement struct {
	AttributeName string
	KeyType       string // HASH or RANGE
}

// AttributeDefinition declares the type of a key attribute.
type AttributeDefinition struct {
	AttributeName string
	AttributeType string // S, N or B
}

// Projection is an index projection.
type Projection struct {
	ProjectionType   string // ALL, KEYS_ONLY or INCLUDE
	NonKeyAttributes []string
}

// Index is a global or local secondary index.
type Index struct {
	IndexName  string
	KeySchema  []KeyElement
	Projection Projection
}

// Table is a DynamoDB table as template.yaml defines it.
type Table struct {
	LogicalID            string
	BillingMode          string
	KeySchema            []KeyElement
	AttributeDefinitions []AttributeDefinition
	GSIs                 []Index
	LSIs                 []Index
	// StreamViewType is "" when the table has no stream.
	StreamViewType string
	PITR           bool
	SSEEnabled     bool
	SSEType        string
	// KMSKeyConfigured is true when SSESpecification names a customer key.
	KMSKeyConfigured   bool
	DeletionProtection bool
	// TTLAttribute is "" when time to live is not enabled.
	TTLAttribute        string
	DeletionPolicy      string
	UpdateReplacePolicy string
	// TableName is the explicit physical name, if the template sets one
	// as a literal (usually it does not).
	TableName string
}

// cfnTable mirrors the CloudFormation properties we read.
type cfnTable struct {
	TableName                        any
	BillingMode                      string
	KeySchema                        []KeyElement
	AttributeDefinitions             []AttributeDefinition
	GlobalSecondaryIndexes           []Index
	LocalSecondaryIndexes            []Index
	StreamSpecification              *struct{ StreamViewType string }
	PointInTimeRecoverySpecification *struct {
		PointInTimeRecoveryEnabled any
	}
	SSESpecification *struct {
		SSEEnabled     any
		SSEType        string
		KMSMasterKeyId any
	}
	DeletionProtectionEnabled any
	TimeToLiveSpecification   *struct {
		AttributeName string
		Enabled       any
	}
}

// Tables returns every DynamoDB table, sorted by logical id.
func (t *Template) Tables() []Table {
	tables, _ := t.TablesErr() // Parse has already rejected malformed tables
	return tables
}

// TablesErr is Tables with an error instead of a panic for a table whose
// properties do not have the CloudFormation shape.
func (t *Template) TablesErr() ([]Table, error) {
	var out []Table
	for _, r := range t.ResourcesOfType(TableType) {
		var p cfnTable
		if err := decodeInto(r.Properties, &p); err != nil {
			return nil, fmt.Errorf("template: table %s: %w", r.LogicalID, err)
		}
		tb := Table{
			LogicalID:            r.LogicalID,
			TableName:            str(p.TableName),
			BillingMode:          p.BillingMode,
			KeySchema:            p.KeySchema,
			AttributeDefinitions: p.AttributeDefinitions,
			GSIs:                 p.GlobalSecondaryIndexes,
			LSIs:                 p.LocalSecondaryIndexes,
			DeletionProtection:   boolValue(p.DeletionProtectionEnabled),
			DeletionPolicy:       r.DeletionPolicy,
			UpdateReplacePolicy:  r.UpdateReplacePolicy,
		}
		if tb.BillingMode == "" {
			tb.BillingMode = "PROVISIONED"
		}
		if p.StreamSpecification != nil {
			tb.StreamViewType = p.StreamSpecification.StreamViewType
		}
		if p.PointInTimeRecoverySpecification != nil {
			tb.PITR = boolValue(p.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled)
		}
		if s := p.SSESpecification; s != nil {
			tb.SSEEnabled = boolValue(s.SSEEnabled)
			tb.SSEType = s.SSEType
			tb.KMSKeyConfigured = s.KMSMasterKeyId != nil
		}
		if ttl := p.TimeToLiveSpecification; ttl != nil && boolValue(ttl.Enabled) {
			tb.TTLAttribute = ttl.AttributeName
		}
		out = append(out, tb)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out, nil
}

// Table returns the table with the given logical id.
func (t *Template) Table(logicalID string) (Table, bool) {
	for _, tb := range t.Tables() {
		if tb.LogicalID == logicalID {
			return tb, true
		}
	}
	return Table{}, false
}
