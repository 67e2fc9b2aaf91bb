package tables_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/tables"
	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

func TestMain(m *testing.M) { localstack.Main(m) }

func loadTemplate(t *testing.T) *template.Template {
	t.Helper()
	tpl, err := template.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// One source of truth: the tables DynamoDB Local reports after Create have
// exactly the keys, attribute types, indexes, projections, streams and
// time to live that template.yaml declares.
func TestCreatedTablesMatchTheTemplate(t *testing.T) {
	stack := localstack.ForTest(t)
	db := stack.DB(t)
	tpl := loadTemplate(t)
	ctx := context.Background()
	prefix := localstack.TablePrefix(t.Name())
	t.Cleanup(func() { _ = tables.Delete(context.Background(), db, tpl, prefix) })

	names, err := tables.Create(ctx, db, tpl, prefix)
	if err != nil {
		t.Fatal(err)
	}
	want := dynamo.Tables{
		Cases: prefix + "CasesTable", Referrals: prefix + "ReferralsTable", Outbox: prefix + "OutboxTable",
		Audit: prefix + "AuditTable", Rota: prefix + "RotaTable", Meetings: prefix + "MeetingsTable",
	}
	if names != want {
		t.Errorf("names = %+v, want %+v", names, want)
	}

	for _, def := range tpl.Tables() {
		t.Run(def.LogicalID, func(t *testing.T) {
			name := prefix + def.LogicalID
			out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			d := out.Table
			if d.TableStatus != types.TableStatusActive {
				t.Errorf("status = %s", d.TableStatus)
			}
			if got := keys(d.KeySchema); !slices.Equal(got, tplKeys(def.KeySchema)) {
				t.Errorf("key schema = %v, template %v", got, tplKeys(def.KeySchema))
			}
			var gotAttrs, wantAttrs []string
			for _, a := range d.AttributeDefinitions {
				gotAttrs = append(gotAttrs, aws.ToString(a.AttributeName)+":"+string(a.AttributeType))
			}
			for _, a := range def.AttributeDefinitions {
				wantAttrs = append(wantAttrs, a.AttributeName+":"+a.AttributeType)
			}
			sort.Strings(gotAttrs)
			sort.Strings(wantAttrs)
			if !slices.Equal(gotAttrs, wantAttrs) {
				t.Errorf("attributes = %v, template %v", gotAttrs, wantAttrs)
			}
			var gotIdx, wantIdx []string
			for _, g := range d.GlobalSecondaryIndexes {
				gotIdx = append(gotIdx, aws.ToString(g.IndexName)+" "+strings.Join(keys(g.KeySchema), ",")+" "+string(g.Projection.ProjectionType))
			}
			for _, g := range def.GSIs {
				wantIdx = append(wantIdx, g.IndexName+" "+strings.Join(tplKeys(g.KeySchema), ",")+" "+g.Projection.ProjectionType)
			}
			sort.Strings(gotIdx)
			sort.Strings(wantIdx)
			if !slices.Equal(gotIdx, wantIdx) {
				t.Errorf("GSIs = %v, template %v", gotIdx, wantIdx)
			}
			gotStream := ""
			if s := d.StreamSpecification; s != nil && aws.ToBool(s.StreamEnabled) {
				gotStream = string(s.StreamViewType)
				if d.LatestStreamArn == nil {
					t.Error("stream enabled but no stream ARN")
				}
			}
			if gotStream != def.StreamViewType {
				t.Errorf("stream = %q, template %q", gotStream, def.StreamViewType)
			}
			if d.BillingModeSummary != nil && string(d.BillingModeSummary.BillingMode) != def.BillingMode {
				t.Errorf("billing = %s, template %s", d.BillingModeSummary.BillingMode, def.BillingMode)
			}
			if aws.ToBool(d.DeletionProtectionEnabled) {
				t.Error("deletion protection is on locally; tests could not drop their tables")
			}
			ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			gotTTL := ""
			if s := ttl.TimeToLiveDescription; s != nil && s.TimeToLiveStatus == types.TimeToLiveStatusEnabled {
				gotTTL = aws.ToString(s.AttributeName)
			}
			if gotTTL != def.TTLAttribute {
				t.Errorf("time to live attribute = %q, template %q", gotTTL, def.TTLAttribute)
			}
		})
	}
}

func TestCreateIsIdempotent(t *testing.T) {
	stack := localstack.ForTest(t)
	db := stack.DB(t)
	tpl := loadTemplate(t)
	prefix := localstack.TablePrefix(t.Name())
	t.Cleanup(func() { _ = tables.Delete(context.Background(), db, tpl, prefix) })
	ctx := context.Background()
	first, err := tables.Create(ctx, db, tpl, prefix)
	if err != nil {
		t.Fatal(err)
	}
	item := map[string]types.AttributeValue{"pk": dynamo.S("p"), "sk": dynamo.S("s")}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(first.Cases), Item: item}); err != nil {
		t.Fatal(err)
	}
	second, err := tables.Create(ctx, db, tpl, prefix)
	if err != nil {
		t.Fatalf("second Create: %v", err)
	}
	if first != second {
		t.Errorf("names changed: %+v then %+v", first, second)
	}
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(first.Cases), Key: item})
	if err != nil || got.Item == nil {
		t.Errorf("data lost by the second Create: %v", err)
	}
}

func TestStackTablesGivesEachTestItsOwnTables(t *testing.T) {
	stack := localstack.ForTest(t)
	a, b := stack.Tables(t), stack.Tables(t)
	if a == b || a.Cases == "" || a.Audit == "" {
		t.Errorf("table sets not distinct: %+v %+v", a, b)
	}
}

func TestCreateFailsWhenATableIsMissingFromTheTemplate(t *testing.T) {
	tpl, err := template.Parse([]byte("Resources:\n  CasesTable:\n    Type: AWS::DynamoDB::Table\n    Properties: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := dynamo.NewClient(context.Background(), "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tables.Create(context.Background(), db, tpl, "x-"); err == nil || !strings.Contains(err.Error(), "ReferralsTable") {
		t.Errorf("err = %v, want a missing ReferralsTable", err)
	}
}

func TestCreateReportsAnUnreachableDynamoDB(t *testing.T) {
	cfg, err := dynamo.LoadConfig(context.Background(), "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String("http://127.0.0.1:1")
		o.RetryMaxAttempts = 1
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := tables.Create(ctx, db, loadTemplate(t), "x-"); err == nil {
		t.Error("no error")
	}
}

func keys(ks []types.KeySchemaElement) []string {
	var out []string
	for _, k := range ks {
		out = append(out, aws.ToString(k.AttributeName)+":"+string(k.KeyType))
	}
	return out
}

func tplKeys(ks []template.KeyElement) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.AttributeName+":"+k.KeyType)
	}
	return out
}
