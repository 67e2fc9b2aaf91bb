package template

import (
	"fmt"
	"sort"
	"strings"
)

// FunctionType is the SAM type of a Lambda function.
const FunctionType = "AWS::Serverless::Function"

// Function is a SAM function with the Globals applied.
type Function struct {
	LogicalID     string
	Runtime       string
	Architectures []string
	Handler       string
	MemorySize    int
	Timeout       int
	Tracing       string
	// BuildMethod is Metadata.BuildMethod (makefile, go1.x, ...).
	BuildMethod string
	CodeURI     any
	// Environment is Globals.Function.Environment.Variables overlaid with
	// the function's own; values stay raw (strings or intrinsics).
	Environment map[string]any
	// Policies is the raw Policies list (SAM policy templates, managed
	// policy names and inline {Statement: [...]} documents). For a function
	// with its own Role (an AWS::IAM::Role in the template), it is that
	// role's policy documents and managed policy ARNs.
	Policies []any
	// Role is the logical id of the function's own IAM role ("" when SAM
	// generates one from Policies).
	Role string
	// ReservedConcurrency is ReservedConcurrentExecutions (0: none).
	ReservedConcurrency int
	Events              []Event
}

// Event is one entry of a function's Events.
type Event struct {
	Name       string
	Type       string // HttpApi, DynamoDB, ScheduleV2, ...
	Properties map[string]any
	// Exactly one of these is set for the types we understand.
	HTTP     *Route
	Stream   *StreamEvent
	Schedule *ScheduleEvent
}

// Route is one HttpApi event: an API Gateway route to a function.
type Route struct {
	Function  string // logical id of the function
	EventName string
	API       string // logical id of the HttpApi ("" = the implicit API)
	Method    string // GET, POST, ..., ANY
	Path      string // e.g. /v1/cases/{id}, /{proxy+}
	// Authorizer is "NONE" for a public route, otherwise the authorizer name.
	Authorizer string
	Scopes     []string
}

// StreamEvent is a DynamoDB stream event source.
type StreamEvent struct {
	// Table is the logical id of the table whose stream feeds the function.
	Table                          string
	StartingPosition               string
	BatchSize                      int
	MaximumBatchingWindowInSeconds int
	FunctionResponseTypes          []string
	BisectBatchOnFunctionError     bool
	// MaximumRetryAttempts is -1 when not set (infinite on AWS).
	MaximumRetryAttempts int
	// MaximumRecordAgeInSeconds is -1 when not set.
	MaximumRecordAgeInSeconds int
	// OnFailure is the logical id (or raw text) of the failure destination.
	OnFailure     string
	OnFailureType string
	// FilterPatterns are the FilterCriteria patterns (JSON text).
	FilterPatterns []string
}

// ScheduleEvent is an EventBridge Scheduler (ScheduleV2) or Schedule event.
type ScheduleEvent struct {
	Expression string
	Timezone   string
	Input      string
	State      string
}

// Functions returns every function, sorted by logical id.
func (t *Template) Functions() []Function {
	fns, _ := t.FunctionsErr()
	return fns
}

// Function returns the function with the given logical id.
func (t *Template) Function(logicalID string) (Function, bool) {
	for _, f := range t.Functions() {
		if f.LogicalID == logicalID {
			return f, true
		}
	}
	return Function{}, false
}

// FunctionsErr is Functions with an error for a malformed function.
func (t *Template) FunctionsErr() ([]Function, error) {
	globals := asMap(t.Globals["Function"])
	var out []Function
	for _, r := range t.ResourcesOfType(FunctionType) {
		p := r.Properties
		get := func(k string) any {
			if v, ok := p[k]; ok {
				return v
			}
			return globals[k]
		}
		f := Function{
			LogicalID:     r.LogicalID,
			Runtime:       str(get("Runtime")),
			Architectures: strList(get("Architectures")),
			Handler:       str(get("Handler")),
			Tracing:       str(get("Tracing")),
			BuildMethod:   str(r.Metadata["BuildMethod"]),
			CodeURI:       get("CodeUri"),
			Environment:   map[string]any{},
			Policies:      asList(p["Policies"]),
		}
		if id, ok := getAttTarget(p["Role"]); ok {
			if role, ok := t.Resources[id]; ok && role.Type == "AWS::IAM::Role" {
				f.Role = id
				f.Policies = nil
				for _, pol := range asList(role.Properties["Policies"]) {
					f.Policies = append(f.Policies, asMap(asMap(pol)["PolicyDocument"]))
				}
				f.Policies = append(f.Policies, asList(role.Properties["ManagedPolicyArns"])...)
			}
		}
		f.ReservedConcurrency, _ = intValue(p["ReservedConcurrentExecutions"])
		if f.Architectures == nil {
			f.Architectures = []string{"x86_64"}
		}
		f.MemorySize, _ = intValue(get("MemorySize"))
		f.Timeout, _ = intValue(get("Timeout"))
		for _, src := range []map[string]any{globals, p} {
			for k, v := range asMap(asMap(asMap(src["Environment"])["Variables"])) {
				f.Environment[k] = v
			}
		}
		names := make([]string, 0, len(asMap(p["Events"])))
		for name := range asMap(p["Events"]) {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ev, err := t.event(r.LogicalID, name, asMap(asMap(p["Events"])[name]))
			if err != nil {
				return nil, err
			}
			f.Events = append(f.Events, ev)
		}
		out = append(out, f)
	}
	return out, nil
}

func (t *Template) event(fn, name string, raw map[string]any) (Event, error) {
	if raw == nil {
		return Event{}, fmt.Errorf("template: %s event %s is not a mapping", fn, name)
	}
	ev := Event{Name: name, Type: str(raw["Type"]), Properties: asMap(raw["Properties"])}
	p := ev.Properties
	switch ev.Type {
	case "HttpApi":
		r := Route{
			Function:  fn,
			EventName: name,
			Method:    strings.ToUpper(str(p["Method"])),
			Path:      str(p["Path"]),
		}
		if r.Method == "" {
			r.Method = "ANY"
		}
		if r.Path == "" {
			r.Path = "/$default"
		}
		if id, ok := RefTarget(p["ApiId"]); ok {
			r.API = id
		}
		auth := asMap(p["Auth"])
		r.Authorizer = str(auth["Authorizer"])
		r.Scopes = strList(auth["AuthorizationScopes"])
		if r.Authorizer == "" {
			r.Authorizer = t.defaultAuthorizer(r.API)
		}
		ev.HTTP = &r
	case "DynamoDB":
		s := StreamEvent{
			StartingPosition:           str(p["StartingPosition"]),
			FunctionResponseTypes:      strList(p["FunctionResponseTypes"]),
			BisectBatchOnFunctionError: boolValue(p["BisectBatchOnFunctionError"]),
			MaximumRetryAttempts:       -1,
			MaximumRecordAgeInSeconds:  -1,
		}
		if id, ok := RefTarget(p["Stream"]); ok {
			s.Table = id
		} else {
			return Event{}, fmt.Errorf("template: %s event %s: Stream must be !GetAtt <Table>.StreamArn", fn, name)
		}
		s.BatchSize, _ = intValue(p["BatchSize"])
		if s.BatchSize == 0 {
			s.BatchSize = 100 // the AWS default
		}
		s.MaximumBatchingWindowInSeconds, _ = intValue(p["MaximumBatchingWindowInSeconds"])
		if n, ok := intValue(p["MaximumRetryAttempts"]); ok {
			s.MaximumRetryAttempts = n
		}
		if n, ok := intValue(p["MaximumRecordAgeInSeconds"]); ok {
			s.MaximumRecordAgeInSeconds = n
		}
		onFailure := asMap(asMap(p["DestinationConfig"])["OnFailure"])
		s.OnFailureType = str(onFailure["Type"])
		if id, ok := RefTarget(onFailure["Destination"]); ok {
			s.OnFailure = id
		} else {
			s.OnFailure = str(onFailure["Destination"])
		}
		for _, f := range asList(asMap(p["FilterCriteria"])["Filters"]) {
			s.FilterPatterns = append(s.FilterPatterns, str(asMap(f)["Pattern"]))
		}
		ev.Stream = &s
	case "ScheduleV2", "Schedule":
		s := ScheduleEvent{
			Expression: str(p["ScheduleExpression"]),
			Timezone:   str(p["ScheduleExpressionTimezone"]),
			Input:      str(p["Input"]),
			State:      str(p["State"]),
		}
		if s.Expression == "" {
			s.Expression = str(p["Schedule"])
		}
		if s.Timezone == "" {
			s.Timezone = "UTC"
		}
		ev.Schedule = &s
	}
	return ev, nil
}

// defaultAuthorizer is the DefaultAuthorizer of the HttpApi api (the
// implicit API's comes from Globals.HttpApi), or NONE.
func (t *Template) defaultAuthorizer(api string) string {
	var auth map[string]any
	if r, ok := t.Resources[api]; ok && api != "" {
		auth = asMap(r.Properties["Auth"])
	} else {
		auth = asMap(asMap(t.Globals["HttpApi"])["Auth"])
	}
	if a := str(auth["DefaultAuthorizer"]); a != "" {
		return a
	}
	return "NONE"
}

// Routes returns every HttpApi route of every function, sorted by path then
// method.
func (t *Template) Routes() []Route {
	var out []Route
	for _, f := range t.Functions() {
		for _, e := range f.Events {
			if e.HTTP != nil {
				out = append(out, *e.HTTP)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// Statement is one inline IAM policy statement of a function.
type Statement struct {
	Function  string
	Sid       string
	Effect    string
	Actions   []string
	Resources []any // raw: strings or intrinsics
}

// PolicyTemplate is one SAM policy template (DynamoDBCrudPolicy, ...) with
// its arguments.
type PolicyTemplate struct {
	Function string
	Name     string
	Args     map[string]any
}

// InlineStatements returns the statements of the function's inline policy
// documents ({Statement: [...]} entries of Policies).
func (f Function) InlineStatements() []Statement {
	var out []Statement
	for _, pol := range f.Policies {
		m := asMap(pol)
		st, ok := m["Statement"]
		if !ok {
			continue
		}
		list := asList(st)
		if list == nil {
			list = []any{st}
		}
		for _, s := range list {
			sm := asMap(s)
			out = append(out, Statement{
				Function:  f.LogicalID,
				Sid:       str(sm["Sid"]),
				Effect:    str(sm["Effect"]),
				Actions:   oneOrMany(sm["Action"]),
				Resources: anyList(sm["Resource"]),
			})
		}
	}
	return out
}

// PolicyTemplates returns the SAM policy templates the function uses.
func (f Function) PolicyTemplates() []PolicyTemplate {
	var out []PolicyTemplate
	for _, pol := range f.Policies {
		m := asMap(pol)
		if m == nil {
			continue
		}
		if _, ok := m["Statement"]; ok {
			continue
		}
		if _, _, ok := Intrinsic(m); ok {
			continue // a managed policy ARN built with !Sub
		}
		for name, args := range m {
			out = append(out, PolicyTemplate{Function: f.LogicalID, Name: name, Args: asMap(args)})
		}
	}
	return out
}

func oneOrMany(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	return strList(v)
}

func anyList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// getAttTarget returns X for !GetAtt X.Arn (either form).
func getAttTarget(v any) (string, bool) {
	name, arg, ok := Intrinsic(v)
	if !ok || name != "Fn::GetAtt" {
		return "", false
	}
	switch a := arg.(type) {
	case string:
		id, _, _ := strings.Cut(a, ".")
		return id, id != ""
	case []any:
		if len(a) > 0 {
			id, ok := a[0].(string)
			return id, ok
		}
	}
	return "", false
}
