// Package dynamo is the one DynamoDB toolkit every store uses: the table
// names (read through an injected getenv), the client (AWS or DynamoDB
// Local), typed keys (a partition key cannot be passed as a sort key), the
// one fixed-width UTC timestamp used in every sort key, the one retry
// helper (bounded, jittered, context-aware), and the mapping of DynamoDB's
// condition and transaction failures onto errors the rest of the code
// understands.
//
// Item types and their keys are listed in docs/data-model.md; the key
// builders for each item type live beside the store that owns it. The
// read-modify-write pattern built on this package is shared/aggregate.
package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

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
