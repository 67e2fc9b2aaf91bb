package template_test

import (
	"reflect"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/template"
)

const sample = `
Globals:
  Function:
    Runtime: provided.al2023
    Architectures: [arm64]
    Environment:
      Variables:
        A: !Ref T
        B: plain
Resources:
  T:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
      TimeToLiveSpecification: {AttributeName: exp, Enabled: false}
      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !Ref Key}
  Q:
    Type: AWS::SQS::Queue
  F:
    Type: AWS::Serverless::Function
    Properties:
      Handler: bootstrap
      Environment:
        Variables:
          B: !Sub "${T}-x"
      Policies:
        - Statement:
            Effect: Allow
            Action: dynamodb:PutItem
            Resource: !GetAtt T.Arn
        - DynamoDBReadPolicy: {TableName: !Ref T}
      Events:
        S:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt T.StreamArn
            DestinationConfig: {OnFailure: {Type: SQS, Destination: !GetAtt Q.Arn}}
            FilterCriteria: {Filters: [{Pattern: '{"eventName":["INSERT"]}'}]}
        H:
          Type: HttpApi
          Properties: {Method: get, Path: /x}
        C:
          Type: ScheduleV2
          Properties: {ScheduleExpression: "cron(0 9 * * ? *)", Input: '{"a":1}'}
        I:
          Type: HttpApi
          Properties:
            Path: !Select [0, !Split [",", "a,b"]]
`

func TestParseExpandsShortTagsAndAppliesGlobals(t *testing.T) {
	tpl, err := template.Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	tb, ok := tpl.Table("T")
	if !ok {
		t.Fatal("table T missing")
	}
	if tb.StreamViewType != "NEW_IMAGE" || tb.TTLAttribute != "" || !tb.KMSKeyConfigured || tb.PITR || tb.DeletionProtection {
		t.Errorf("table = %+v", tb)
	}
	f, ok := tpl.Function("F")
	if !ok {
		t.Fatal("function F missing")
	}
	if f.Runtime != "provided.al2023" || !reflect.DeepEqual(f.Architectures, []string{"arm64"}) {
		t.Errorf("globals not applied: %+v", f)
	}
	if !reflect.DeepEqual(f.Environment["A"], map[string]any{"Ref": "T"}) {
		t.Errorf("A = %#v", f.Environment["A"])
	}
	if !reflect.DeepEqual(f.Environment["B"], map[string]any{"Fn::Sub": "${T}-x"}) {
		t.Errorf("B = %#v (function value must override Globals)", f.Environment["B"])
	}
	st := f.InlineStatements()
	if len(st) != 1 || !reflect.DeepEqual(st[0].Actions, []string{"dynamodb:PutItem"}) || !template.References(st[0].Resources, "T") {
		t.Errorf("statements = %+v", st)
	}
	pts := f.PolicyTemplates()
	if len(pts) != 1 || pts[0].Name != "DynamoDBReadPolicy" || !template.References(pts[0].Args, "T") {
		t.Errorf("policy templates = %+v", pts)
	}
	if template.References(pts[0].Args, "Q") {
		t.Error("References matched the wrong resource")
	}
	var stream, sched bool
	for _, e := range f.Events {
		switch e.Name {
		case "S":
			stream = true
			s := e.Stream
			if s.Table != "T" || s.OnFailure != "Q" || s.OnFailureType != "SQS" || s.MaximumRetryAttempts != -1 || s.BatchSize != 100 ||
				!reflect.DeepEqual(s.FilterPatterns, []string{`{"eventName":["INSERT"]}`}) {
				t.Errorf("stream = %+v", s)
			}
		case "C":
			sched = true
			if e.Schedule.Expression != "cron(0 9 * * ? *)" || e.Schedule.Timezone != "UTC" || e.Schedule.Input != `{"a":1}` {
				t.Errorf("schedule = %+v", e.Schedule)
			}
		}
	}
	if !stream || !sched {
		t.Error("events missing")
	}
	routes := tpl.Routes()
	if len(routes) != 2 {
		t.Fatalf("routes = %+v", routes)
	}
	r := routes[1]
	if r.Method != "GET" || r.Path != "/x" || r.Authorizer != "NONE" || r.Function != "F" || r.EventName != "H" {
		t.Errorf("route = %+v", r)
	}
}

func TestParseRejectsMalformedTemplates(t *testing.T) {
	for name, src := range map[string]string{
		"not yaml":      "a: [",
		"not a mapping": "- a",
		"bad getatt":    "Resources:\n  X:\n    Type: AWS::SQS::Queue\n    Properties: {A: !GetAtt nodot}\n",
		"bad table":     "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: {KeySchema: 3}\n",
		"bad stream":    "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events: {S: {Type: DynamoDB, Properties: {Stream: arn}}}\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := template.Parse([]byte(src)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestLoadReportsAMissingFile(t *testing.T) {
	if _, err := template.Load(t.TempDir() + "/template.yaml"); err == nil {
		t.Error("no error")
	}
}
