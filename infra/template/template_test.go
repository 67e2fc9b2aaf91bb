package template_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/template"
)

func load(t *testing.T) *template.Template {
	t.Helper()
	p, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := template.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// The tables every part of the code expects, by logical id.
var wantTables = []string{"AuditTable", "CasesTable", "MeetingsTable", "OutboxTable", "ReferralsTable", "RotaTable"}

func TestTemplateHasTheExpectedTablesAndFunctions(t *testing.T) {
	tpl := load(t)
	var got []string
	for _, tb := range tpl.Tables() {
		got = append(got, tb.LogicalID)
	}
	if !slices.Equal(got, wantTables) {
		t.Errorf("tables = %v, want %v", got, wantTables)
	}
	if len(tpl.Functions()) == 0 {
		t.Error("no functions in template.yaml")
	}
	if _, ok := tpl.Function("WebFunction"); !ok {
		t.Error("WebFunction missing")
	}
}

func TestEveryFunctionIsArm64ProvidedAL2023Bootstrap(t *testing.T) {
	for _, f := range load(t).Functions() {
		t.Run(f.LogicalID, func(t *testing.T) {
			if f.Runtime != "provided.al2023" {
				t.Errorf("Runtime = %q, want provided.al2023", f.Runtime)
			}
			if !slices.Equal(f.Architectures, []string{"arm64"}) {
				t.Errorf("Architectures = %v, want [arm64]", f.Architectures)
			}
			if f.Handler != "bootstrap" {
				t.Errorf("Handler = %q, want bootstrap", f.Handler)
			}
			if f.Tracing != "Active" {
				t.Errorf("Tracing = %q, want Active", f.Tracing)
			}
		})
	}
}

// Functions built with BuildMethod: makefile need a build-<LogicalId>
// target in the Makefile, or `sam build` fails.
func TestEveryMakefileBuiltFunctionHasABuildTarget(t *testing.T) {
	tpl := load(t)
	mk, err := os.ReadFile(filepath.Join(filepath.Dir(tpl.Path), "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tpl.Functions() {
		if f.BuildMethod != "makefile" {
			continue
		}
		re := regexp.MustCompile(`(?m)^build-` + f.LogicalID + `:|lambda_target,` + f.LogicalID + `,`)
		if !re.Match(mk) {
			t.Errorf("%s: Makefile has no build-%s target", f.LogicalID, f.LogicalID)
		}
	}
}

func TestEveryTableIsOnDemandRecoverableEncryptedProtectedAndRetained(t *testing.T) {
	for _, tb := range load(t).Tables() {
		t.Run(tb.LogicalID, func(t *testing.T) {
			if tb.BillingMode != "PAY_PER_REQUEST" {
				t.Errorf("BillingMode = %q, want PAY_PER_REQUEST", tb.BillingMode)
			}
			if !tb.PITR {
				t.Error("point-in-time recovery is off")
			}
			if !tb.SSEEnabled || tb.SSEType != "KMS" {
				t.Errorf("SSE enabled=%v type=%q, want KMS", tb.SSEEnabled, tb.SSEType)
			}
			if !tb.KMSKeyConfigured {
				t.Error("SSESpecification names no customer managed key (KMSMasterKeyId: !Ref TablesKey)")
			}
			if !tb.DeletionProtection {
				t.Error("deletion protection is off")
			}
			if tb.DeletionPolicy != "Retain" || tb.UpdateReplacePolicy != "Retain" {
				t.Errorf("DeletionPolicy=%q UpdateReplacePolicy=%q, want Retain/Retain", tb.DeletionPolicy, tb.UpdateReplacePolicy)
			}
			if tb.TableName != "" {
				t.Errorf("TableName %q is fixed; let CloudFormation name tables so stacks can coexist", tb.TableName)
			}
		})
	}
}

// Every table is keyed pk/sk (S) with gsi1 (gsi1pk/gsi1sk); ReferralsTable
// MeetingsTable and CasesTable (the risk register) also have gsi2. Stores rely on this shape.
func TestEveryTableHasTheSharedKeyShape(t *testing.T) {
	for _, tb := range load(t).Tables() {
		t.Run(tb.LogicalID, func(t *testing.T) {
			want := []template.KeyElement{{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "sk", KeyType: "RANGE"}}
			if !slices.Equal(tb.KeySchema, want) {
				t.Errorf("KeySchema = %v", tb.KeySchema)
			}
			wantIdx := []string{"gsi1"}
			if tb.LogicalID == "ReferralsTable" || tb.LogicalID == "MeetingsTable" || tb.LogicalID == "CasesTable" {
				wantIdx = []string{"gsi1", "gsi2"}
			}
			var got []string
			for _, g := range tb.GSIs {
				got = append(got, g.IndexName)
				wantKeys := []template.KeyElement{{AttributeName: g.IndexName + "pk", KeyType: "HASH"}, {AttributeName: g.IndexName + "sk", KeyType: "RANGE"}}
				if !slices.Equal(g.KeySchema, wantKeys) {
					t.Errorf("%s KeySchema = %v", g.IndexName, g.KeySchema)
				}
			}
			if !slices.Equal(got, wantIdx) {
				t.Errorf("GSIs = %v, want %v", got, wantIdx)
			}
			for _, a := range tb.AttributeDefinitions {
				if a.AttributeType != "S" {
					t.Errorf("attribute %s is %s, want S", a.AttributeName, a.AttributeType)
				}
			}
		})
	}
}

// Tables a stream consumer reads must have NEW_AND_OLD_IMAGES streams.
func TestStreamConsumersReadTablesWithStreams(t *testing.T) {
	tpl := load(t)
	for _, f := range tpl.Functions() {
		for _, e := range f.Events {
			if e.Stream == nil {
				continue
			}
			tb, ok := tpl.Table(e.Stream.Table)
			if !ok {
				t.Errorf("%s.%s reads the stream of %q, which is not a table", f.LogicalID, e.Name, e.Stream.Table)
				continue
			}
			if tb.StreamViewType != "NEW_AND_OLD_IMAGES" {
				t.Errorf("%s.%s reads %s whose StreamViewType is %q", f.LogicalID, e.Name, tb.LogicalID, tb.StreamViewType)
			}
		}
	}
}

// statementResources walks every inline policy statement in the template:
// functions' Policies and any PolicyDocument/Policies of IAM resources.
func allStatements(tpl *template.Template) []template.Statement {
	var out []template.Statement
	for _, f := range tpl.Functions() {
		out = append(out, f.InlineStatements()...)
	}
	for _, r := range tpl.Resources {
		if r.Type == template.FunctionType {
			continue
		}
		walkStatements(r.LogicalID, r.Properties, &out)
	}
	return out
}

func walkStatements(owner string, v any, out *[]template.Statement) {
	switch x := v.(type) {
	case map[string]any:
		if st, ok := x["Statement"]; ok {
			fn := template.Function{LogicalID: owner, Policies: []any{map[string]any{"Statement": st}}}
			*out = append(*out, fn.InlineStatements()...)
		}
		for k, e := range x {
			// Trust policies name a principal, not resources.
			if k != "Statement" && k != "AssumeRolePolicyDocument" {
				walkStatements(owner, e, out)
			}
		}
	case []any:
		for _, e := range x {
			walkStatements(owner, e, out)
		}
	}
}

// wildcardAllowed lists statements that AWS requires to use a wildcard (by
// owner and Sid), each with its reason. X-Ray permissions come from the
// AWSXrayWriteOnlyAccess managed policy on each function's role.
var wildcardAllowed = map[string]bool{
	// A key policy's Resource "*" means "this key"; the account root
	// administering its own key (kms:*) is AWS's default key policy, without
	// which the key could become unmanageable.
	"LogsKey/AccountAdministers": true,
	// Resource "*" = this key; limited by the condition to this stack's
	// log groups.
	"LogsKey/CloudWatchLogsUse": true,
	// Resource "*" = this key: the account administers it (no encrypt or
	// decrypt), and uses it only through DynamoDB in this account.
	"TablesKey/AccountAdministersNotUses": true,
	"TablesKey/UseOnlyThroughDynamoDB":    true,
}

func TestNoIAMStatementAllowsEveryResource(t *testing.T) {
	tpl := load(t)
	sts := allStatements(tpl)
	if len(sts) == 0 {
		t.Fatal("found no inline statements at all; the walker is broken")
	}
	for _, s := range sts {
		if len(s.Resources) == 0 {
			t.Errorf("%s/%s: statement has no Resource", s.Function, s.Sid)
		}
		for _, r := range s.Resources {
			if rs, ok := r.(string); ok && strings.Contains(rs, "*") && !wildcardAllowed[s.Function+"/"+s.Sid] {
				t.Errorf("%s/%s: Resource %q is a wildcard", s.Function, s.Sid, rs)
			}
		}
		for _, a := range s.Actions {
			if (a == "*" || strings.HasSuffix(a, ":*")) && !wildcardAllowed[s.Function+"/"+s.Sid] {
				t.Errorf("%s/%s: Action %q is a wildcard", s.Function, s.Sid, a)
			}
		}
	}
}

// The audit table is append-only: functions may only PutItem on it, and
// it appears in no SAM policy template (DynamoDBCrudPolicy and friends
// grant update and delete).
func TestAuditTableIsAppendOnly(t *testing.T) {
	tpl := load(t)
	granted := false
	for _, f := range tpl.Functions() {
		for _, pt := range f.PolicyTemplates() {
			if template.References(pt.Args, "AuditTable") {
				t.Errorf("%s: policy template %s covers AuditTable", f.LogicalID, pt.Name)
			}
		}
		for _, s := range f.InlineStatements() {
			if !template.References(s.Resources, "AuditTable") {
				continue
			}
			granted = true
			if s.Effect != "Allow" {
				continue
			}
			// Append-only: add records; read them (the web function's audit
			// view for administrators); never change or remove them.
			appends := slices.Equal(s.Actions, []string{"dynamodb:PutItem"})
			auditView := f.LogicalID == "WebFunction" && slices.Equal(s.Actions, []string{"dynamodb:Query"})
			if !appends && !auditView {
				t.Errorf("%s/%s: actions on AuditTable = %v, want only dynamodb:PutItem (or Query for the web function's audit view)", f.LogicalID, s.Sid, s.Actions)
			}
		}
		for _, p := range f.Policies {
			if s, ok := p.(string); ok && strings.Contains(s, "DynamoDB") {
				t.Errorf("%s: managed policy %s reaches every table, the audit table included", f.LogicalID, s)
			}
		}
	}
	if !granted {
		t.Error("no function may write the audit table")
	}
}

// Public routes: the front end, the OpenAPI document and the one-click
// meeting reply pages (the signed link is the authority). Everything else
// needs the JWT authorizer and a scope.
var publicRoutes = map[string]bool{
	"GET /":                true,
	"GET /{proxy+}":        true,
	"ANY /{proxy+}":        true,
	"ANY /":                true, // 405 with Allow for any other method on the root
	"GET /v1/openapi.json": true,
	"GET /reply/{token}":   true,
	"POST /reply/{token}":  true,
}

func TestEveryRouteIsPublicByNameOrNeedsAScope(t *testing.T) {
	routes := load(t).Routes()
	if len(routes) == 0 {
		t.Fatal("no routes")
	}
	seen := map[string]string{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		if prev, dup := seen[key]; dup {
			t.Errorf("%s is routed twice (%s and %s.%s)", key, prev, r.Function, r.EventName)
		}
		seen[key] = r.Function + "." + r.EventName
		switch {
		case r.Authorizer == "NONE":
			if !publicRoutes[key] {
				t.Errorf("%s (%s.%s) has no authorizer and is not in the public allow-list", key, r.Function, r.EventName)
			}
		case len(r.Scopes) == 0:
			t.Errorf("%s (%s.%s) requires no scope: any token of a listed client would pass", key, r.Function, r.EventName)
		}
	}
	for key := range publicRoutes {
		if _, ok := seen[key]; !ok {
			t.Errorf("public route %s is not in the template", key)
		}
	}
}

func TestEveryStreamConsumerReportsFailuresBisectsRetriesAndParksFailures(t *testing.T) {
	tpl := load(t)
	n := 0
	for _, f := range tpl.Functions() {
		for _, e := range f.Events {
			if e.Type == "DynamoDB" && e.Stream == nil {
				t.Errorf("%s.%s: DynamoDB event not understood", f.LogicalID, e.Name)
			}
			s := e.Stream
			if s == nil {
				continue
			}
			n++
			name := f.LogicalID + "." + e.Name
			if !slices.Contains(s.FunctionResponseTypes, "ReportBatchItemFailures") {
				t.Errorf("%s: no ReportBatchItemFailures", name)
			}
			if !s.BisectBatchOnFunctionError {
				t.Errorf("%s: BisectBatchOnFunctionError is off", name)
			}
			if s.MaximumRetryAttempts < 0 || s.MaximumRetryAttempts > 10 {
				t.Errorf("%s: MaximumRetryAttempts = %d, want a limit of 0..10", name, s.MaximumRetryAttempts)
			}
			if s.MaximumRecordAgeInSeconds < 0 {
				t.Errorf("%s: no MaximumRecordAgeInSeconds", name)
			}
			if s.OnFailure == "" {
				t.Errorf("%s: no OnFailure destination", name)
			} else if r, ok := tpl.Resources[s.OnFailure]; !ok || r.Type != "AWS::SQS::Queue" {
				t.Errorf("%s: OnFailure %q is not an SQS queue of this template", name, s.OnFailure)
			}
			if s.StartingPosition != "TRIM_HORIZON" {
				t.Errorf("%s: StartingPosition = %q, want TRIM_HORIZON", name, s.StartingPosition)
			}
			for _, p := range s.FilterPatterns {
				if !strings.HasPrefix(strings.TrimSpace(p), "{") {
					t.Errorf("%s: filter pattern %q is not JSON", name, p)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no stream consumers found")
	}
}

func TestSchedulesRunInLondonTime(t *testing.T) {
	for _, f := range load(t).Functions() {
		for _, e := range f.Events {
			if e.Schedule == nil {
				continue
			}
			if e.Type != "ScheduleV2" {
				t.Errorf("%s.%s: use ScheduleV2 (EventBridge Scheduler), not %s", f.LogicalID, e.Name, e.Type)
			}
			if e.Schedule.Timezone != "Europe/London" {
				t.Errorf("%s.%s: timezone %q, want Europe/London", f.LogicalID, e.Name, e.Schedule.Timezone)
			}
		}
	}
}

// The table-name environment variables point at the right tables (the
// names shared/dynamo.TablesFromEnv reads).
func TestTableEnvironmentVariables(t *testing.T) {
	want := map[string]string{
		"CASES_TABLE": "CasesTable", "REFERRALS_TABLE": "ReferralsTable", "OUTBOX_TABLE": "OutboxTable",
		"AUDIT_TABLE": "AuditTable", "ROTA_TABLE": "RotaTable", "MEETINGS_TABLE": "MeetingsTable",
	}
	for _, f := range load(t).Functions() {
		for env, table := range want {
			id, ok := template.RefTarget(f.Environment[env])
			if !ok || id != table {
				t.Errorf("%s: %s = %v, want !Ref %s", f.LogicalID, env, f.Environment[env], table)
			}
		}
	}
}

// Issue 12, finding 6: least privilege and operations.
//   - Every function has its own role, so SAM attaches no
//     AWSLambdaDynamoDBExecutionRole (which reads every stream in the
//     account) and no AWSLambdaBasicExecutionRole (every log group).
//   - No SAM policy template (the CRUD ones grant Scan, DeleteItem and
//     BatchWriteItem), no Scan or BatchWriteItem anywhere.
//   - A stream consumer may read exactly the streams of its events.
//   - Every function logs to its own declared, retained, KMS-encrypted log
//     group, has reserved concurrency and Errors and Throttles alarms.
func TestEveryFunctionHasLeastPrivilegeAndOperations(t *testing.T) {
	tpl := load(t)
	alarms := map[string][]string{} // function -> metric names alarmed
	queues := map[string]bool{}
	for _, r := range tpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
		p := r.Properties
		if len(template.Strings(p["AlarmActions"])) == 0 && !template.References(p["AlarmActions"], "AlarmTopic") {
			t.Errorf("%s: no alarm action", r.LogicalID)
		}
		for _, d := range asList(p["Dimensions"]) {
			id, _ := template.RefTarget(asMap(d)["Value"])
			switch asMap(d)["Name"] {
			case "FunctionName":
				alarms[id] = append(alarms[id], fmt.Sprint(p["MetricName"]))
			case "QueueName":
				queues[id] = true
			}
		}
	}
	for _, q := range tpl.ResourcesOfType("AWS::SQS::Queue") {
		if !queues[q.LogicalID] {
			t.Errorf("dead-letter queue %s has no depth alarm", q.LogicalID)
		}
	}
	for _, f := range tpl.Functions() {
		if f.Role == "" {
			t.Errorf("%s has no Role of its own: SAM would attach broad managed policies", f.LogicalID)
			continue
		}
		if len(f.PolicyTemplates()) > 0 {
			t.Errorf("%s uses SAM policy templates %v", f.LogicalID, f.PolicyTemplates())
		}
		for _, p := range f.Policies {
			if s, ok := p.(string); ok && (strings.Contains(s, "DynamoDB") || strings.Contains(s, "BasicExecution")) {
				t.Errorf("%s: managed policy %s", f.LogicalID, s)
			}
		}
		streams := map[string]bool{}
		for _, e := range f.Events {
			if e.Stream != nil {
				streams[e.Stream.Table] = true
			}
		}
		logs := false
		for _, s := range f.InlineStatements() {
			for _, a := range s.Actions {
				if a == "dynamodb:Scan" || a == "dynamodb:BatchWriteItem" || a == "dynamodb:DeleteTable" {
					t.Errorf("%s/%s grants %s, which nothing uses", f.LogicalID, s.Sid, a)
				}
				if a == "dynamodb:GetRecords" {
					for _, r := range s.Resources {
						id, ok := template.RefTarget(r)
						if !ok || !streams[id] {
							t.Errorf("%s/%s reads stream %v, which is not one of its event sources %v", f.LogicalID, s.Sid, r, streams)
						}
					}
				}
				if a == "logs:PutLogEvents" {
					logs = true
				}
			}
		}
		if !logs {
			t.Errorf("%s may not write its logs", f.LogicalID)
		}
		raw := tpl.Resources[f.LogicalID].Properties
		lg, ok := template.RefTarget(asMap(raw["LoggingConfig"])["LogGroup"])
		if group, exists := tpl.Resources[lg]; !ok || !exists || group.Type != "AWS::Logs::LogGroup" {
			t.Errorf("%s logs to no declared log group", f.LogicalID)
		} else if group.Properties["RetentionInDays"] == nil || group.Properties["KmsKeyId"] == nil {
			t.Errorf("%s: log group %s keeps logs forever or unencrypted", f.LogicalID, lg)
		}
		if f.ReservedConcurrency <= 0 {
			t.Errorf("%s has no reserved concurrency", f.LogicalID)
		}
		for _, m := range []string{"Errors", "Throttles"} {
			if !slices.Contains(alarms[f.LogicalID], m) {
				t.Errorf("%s has no %s alarm", f.LogicalID, m)
			}
		}
	}
	for _, c := range tpl.ResourcesOfType("AWS::Cognito::UserPoolClient") {
		if flows := template.Strings(c.Properties["AllowedOAuthFlows"]); slices.Contains(flows, "client_credentials") {
			if got := template.Strings(c.Properties["ExplicitAuthFlows"]); !slices.Equal(got, []string{"ALLOW_REFRESH_TOKEN_AUTH"}) {
				t.Errorf("machine client %s: ExplicitAuthFlows %v, want only ALLOW_REFRESH_TOKEN_AUTH (no password flows)", c.LogicalID, got)
			}
		}
	}
	api, ok := tpl.Resources["HttpApi"]
	if !ok {
		t.Fatal("no HttpApi")
	}
	if name, _, _ := template.Intrinsic(api.Properties["DisableExecuteApiEndpoint"]); name != "Fn::If" {
		t.Errorf("DisableExecuteApiEndpoint = %v, want !If [HasCustomDomain, true, false]", api.Properties["DisableExecuteApiEndpoint"])
	}
	if len(asMap(api.Properties["RouteSettings"])) == 0 {
		t.Error("no per-route throttles")
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
