// Package dynamo is the DynamoDB edge shared by every store: the table
// names, the client (AWS or DynamoDB Local), typed keys, and the mapping of
// DynamoDB's condition and transaction failures onto the errors the rest of
// the code understands.
//
// Item types and their keys are listed in docs/data-model.md; the key
// builders for each item type live beside the store that owns it.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Tables holds the physical table names. On Lambda they come from the
// environment (template.yaml passes the CloudFormation names); locally and
// in tests the table bootstrap picks them.
type Tables struct {
	Cases     string
	Referrals string
	Outbox    string
	Audit     string
	Rota      string
	// Meetings holds meetings, attendance, associated children, actions
	// and tasks (shared/meetingstore).
	Meetings string
}

// TablesFromEnv reads CASES_TABLE, REFERRALS_TABLE, OUTBOX_TABLE,
// AUDIT_TABLE, ROTA_TABLE and MEETINGS_TABLE.
func TablesFromEnv() (Tables, error) {
	t := Tables{
		Cases:     os.Getenv("CASES_TABLE"),
		Referrals: os.Getenv("REFERRALS_TABLE"),
		Outbox:    os.Getenv("OUTBOX_TABLE"),
		Audit:     os.Getenv("AUDIT_TABLE"),
		Rota:      os.Getenv("ROTA_TABLE"),
		Meetings:  os.Getenv("MEETINGS_TABLE"),
	}
	if t.Cases == "" || t.Referrals == "" || t.Outbox == "" || t.Audit == "" || t.Rota == "" || t.Meetings == "" {
		return t, errors.New("dynamo: CASES_TABLE, REFERRALS_TABLE, OUTBOX_TABLE, AUDIT_TABLE, ROTA_TABLE and MEETINGS_TABLE must all be set")
	}
	return t, nil
}

// Client is the part of the DynamoDB API the stores use; *dynamodb.Client
// satisfies it. Stores declare narrower interfaces of their own where they
// need fewer calls.
type Client interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	TransactGetItems(context.Context, *dynamodb.TransactGetItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error)
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

var _ Client = (*dynamodb.Client)(nil)

// NewClient returns a DynamoDB client. With endpoint "" it uses the Lambda
// environment's credentials and region; with an endpoint (DynamoDB Local) it
// uses fixed local credentials and region eu-west-2.
func NewClient(ctx context.Context, endpoint string) (*dynamodb.Client, error) {
	cfg, err := LoadConfig(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}), nil
}

// LoadConfig loads the AWS configuration; for a local endpoint it pins the
// region and uses static alphanumeric credentials (DynamoDB Local requires
// alphanumeric access keys).
func LoadConfig(ctx context.Context, endpoint string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if endpoint != "" {
		opts = append(opts,
			config.WithRegion("eu-west-2"),
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")),
		)
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("dynamo: load AWS config: %w", err)
	}
	return cfg, nil
}

// Index names shared by the tables (see template.yaml).
const (
	GSI1 = "gsi1"
	GSI2 = "gsi2"
)

// IsConditionFailed reports whether err is a failed condition on a single
// write (ConditionalCheckFailedException).
func IsConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// CancelledBy reports, for a cancelled transaction, the index of each item
// whose condition failed. ok is false if err is not a cancelled transaction.
func CancelledBy(err error) (failed []int, ok bool) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil, false
	}
	for i, r := range tce.CancellationReasons {
		if r.Code != nil && *r.Code == "ConditionalCheckFailed" {
			failed = append(failed, i)
		}
	}
	return failed, true
}

// IsTransactionConflict reports whether a transaction was cancelled because
// another transaction was working on the same items (worth a retry).
func IsTransactionConflict(err error) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return false
	}
	for _, r := range tce.CancellationReasons {
		if r.Code != nil && *r.Code == "TransactionConflict" {
			return true
		}
	}
	return false
}

// S is shorthand for a string attribute value.
func S(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// N is shorthand for a number attribute value.
func N(v int64) types.AttributeValue { return &types.AttributeValueMemberN{Value: fmt.Sprint(v)} }

// Key is a primary key: partition key and sort key. The typed constructors
// of each store build Keys, so a sort key cannot be passed as a partition key.
type Key struct {
	PK string
	SK string
}

// Attrs returns the key as DynamoDB attribute values (pk, sk).
func (k Key) Attrs() map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": S(k.PK), "sk": S(k.SK)}
}
