// Package tables creates the DynamoDB tables of template.yaml in DynamoDB
// Local (dev server, tests), so local tables have exactly the keys, indexes,
// streams and time-to-live of the deployed ones: the template is the one
// source of truth.
package tables

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// Logical ids of the tables the application uses (template.yaml).
const (
	Cases     = "CasesTable"
	Referrals = "ReferralsTable"
	Outbox    = "OutboxTable"
	Audit     = "AuditTable"
	Rota      = "RotaTable"
	Meetings  = "MeetingsTable"
)

// API is the part of the DynamoDB client the bootstrap uses.
type API interface {
	CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	UpdateTimeToLive(context.Context, *dynamodb.UpdateTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
	DescribeTimeToLive(context.Context, *dynamodb.DescribeTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Name is the physical name of a table: prefix + logical id (for example
// "dev-CasesTable").
func Name(prefix, logicalID string) string { return prefix + logicalID }

// Names maps the application's tables to their physical names.
func Names(prefix string) dynamo.Tables {
	return dynamo.Tables{
		Cases:     Name(prefix, Cases),
		Referrals: Name(prefix, Referrals),
		Outbox:    Name(prefix, Outbox),
		Audit:     Name(prefix, Audit),
		Rota:      Name(prefix, Rota),
		Meetings:  Name(prefix, Meetings),
	}
}

// Create creates every table of the template named prefix+LogicalID, waits
// until each is ACTIVE and enables its time to live. Tables that already
// exist are left as they are, so Create is safe to run on every start.
// Deletion protection is off locally (tests drop their tables).
func Create(ctx context.Context, client *dynamodb.Client, t *template.Template, prefix string) (dynamo.Tables, error) {
	return CreateWith(ctx, client, t, prefix)
}

// CreateWith is Create for any client that implements API.
func CreateWith(ctx context.Context, client API, t *template.Template, prefix string) (dynamo.Tables, error) {
	defs := t.Tables()
	have := map[string]bool{}
	for _, d := range defs {
		have[d.LogicalID] = true
	}
	for _, id := range []string{Cases, Referrals, Outbox, Audit, Rota, Meetings} {
		if !have[id] {
			return dynamo.Tables{}, fmt.Errorf("tables: template.yaml defines no %s", id)
		}
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, d := range defs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := createOne(ctx, client, d, Name(prefix, d.LogicalID)); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return dynamo.Tables{}, err
	}
	return Names(prefix), nil
}

// Input builds the CreateTable request for a template table.
func Input(d template.Table, name string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName:                 aws.String(name),
		BillingMode:               types.BillingMode(d.BillingMode),
		KeySchema:                 keySchema(d.KeySchema),
		DeletionProtectionEnabled: aws.Bool(false),
	}
	if in.BillingMode == types.BillingModeProvisioned {
		in.ProvisionedThroughput = throughput()
	}
	for _, a := range d.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName),
			AttributeType: types.ScalarAttributeType(a.AttributeType),
		})
	}
	for _, g := range d.GSIs {
		gsi := types.GlobalSecondaryIndex{
			IndexName:  aws.String(g.IndexName),
			KeySchema:  keySchema(g.KeySchema),
			Projection: projection(g.Projection),
		}
		if in.BillingMode == types.BillingModeProvisioned {
			gsi.ProvisionedThroughput = throughput()
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi)
	}
	for _, l := range d.LSIs {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName:  aws.String(l.IndexName),
			KeySchema:  keySchema(l.KeySchema),
			Projection: projection(l.Projection),
		})
	}
	if d.StreamViewType != "" {
		in.StreamSpecification = &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewType(d.StreamViewType),
		}
	}
	if d.SSEEnabled {
		in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true)}
		if d.SSEType != "" {
			in.SSESpecification.SSEType = types.SSEType(d.SSEType)
		}
	}
	return in
}

func createOne(ctx context.Context, client API, d template.Table, name string) error {
	_, err := client.CreateTable(ctx, Input(d, name))
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("tables: create %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 50 * time.Millisecond
		o.MaxDelay = time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
		return fmt.Errorf("tables: wait for %s: %w", name, err)
	}
	if d.TTLAttribute == "" {
		return nil
	}
	ttl, err := client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("tables: describe time to live of %s: %w", name, err)
	}
	if s := ttl.TimeToLiveDescription; s != nil && s.TimeToLiveStatus == types.TimeToLiveStatusEnabled &&
		aws.ToString(s.AttributeName) == d.TTLAttribute {
		return nil
	}
	_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(d.TTLAttribute),
			Enabled:       aws.Bool(true),
		},
	})
	if err != nil {
		return fmt.Errorf("tables: enable time to live on %s: %w", name, err)
	}
	return nil
}

func keySchema(ks []template.KeyElement) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, 0, len(ks))
	for _, k := range ks {
		out = append(out, types.KeySchemaElement{AttributeName: aws.String(k.AttributeName), KeyType: types.KeyType(k.KeyType)})
	}
	return out
}

func projection(p template.Projection) *types.Projection {
	out := &types.Projection{ProjectionType: types.ProjectionType(p.ProjectionType)}
	if len(p.NonKeyAttributes) > 0 {
		out.NonKeyAttributes = p.NonKeyAttributes
	}
	return out
}

func throughput() *types.ProvisionedThroughput {
	return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}
}

// Delete drops every template table named prefix+LogicalID (missing tables
// are ignored). Tests use it to clean up their private tables.
func Delete(ctx context.Context, client *dynamodb.Client, t *template.Template, prefix string) error {
	var errs []error
	for _, d := range t.Tables() {
		_, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(Name(prefix, d.LogicalID))})
		var nf *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &nf) {
			errs = append(errs, fmt.Errorf("tables: delete %s: %w", Name(prefix, d.LogicalID), err))
		}
	}
	return errors.Join(errs...)
}
