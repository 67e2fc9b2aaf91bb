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
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// LoadConfig returns the AWS configuration. For a local endpoint it pins
// region eu-west-2 and static alphanumeric credentials (DynamoDB Local
// requires alphanumeric access keys). Without one (on Lambda) it takes the
// region and the execution role's credentials from the environment Lambda
// sets (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), which is where the SDK's default chain would find
// them. It does not use the SDK's config package: its shared-file, SSO and
// STS providers are never needed on Lambda but would be linked and
// initialised at every cold start.
func LoadConfig(_ context.Context, endpoint string) (aws.Config, error) {
	return LoadConfigFrom(endpoint, os.Getenv)
}

// LoadConfigFrom is LoadConfig reading the environment through getenv.
func LoadConfigFrom(endpoint string, getenv func(string) string) (aws.Config, error) {
	if endpoint != "" {
		return aws.Config{
			Region:      "eu-west-2",
			Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
		}, nil
	}
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	key, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if region == "" || key == "" || secret == "" {
		return aws.Config{}, errors.New("dynamo: load AWS config: AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (Lambda sets them)")
	}
	return aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, getenv("AWS_SESSION_TOKEN"))),
	}, nil
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
