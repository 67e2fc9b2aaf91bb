// Package intaketest runs the referral API end to end for tests: the real
// IntakeFunction and WebFunction routers (shared/intake, shared/staffapi)
// behind the API Gateway emulator (infra/gateway) with real dev tokens
// (infra/devauth), over a fresh set of tables in DynamoDB Local
// (infra/localstack). Test code only.
package intaketest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/devauth"
	"github.com/mappa-coordinator/mappa/infra/gateway"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/staffapi"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// Now is the harness clock's start: 10:00 UTC on referraltest.Today.
var Now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// Staff are the demo staff, one per role, by id.
var Staff = []devauth.User{
	{ID: "staff-bso", Name: "Test BSO", Email: "bso@example.gov.uk", Roles: []string{string(auth.RoleBSO)}},
	{ID: "staff-sw", Name: "Test SW", Email: "sw@example.gov.uk", Roles: []string{string(auth.RoleSocialWorker)}},
	{ID: "staff-tm", Name: "Test TM", Email: "tm@example.gov.uk", Roles: []string{string(auth.RoleTeamManager)}},
	{ID: "staff-sm", Name: "Test SM", Email: "sm@example.gov.uk", Roles: []string{string(auth.RoleServiceMgr)}},
	{ID: "staff-hos", Name: "Test HoS", Email: "hos@example.gov.uk", Roles: []string{string(auth.RoleHeadOfService)}},
	{ID: "staff-ad", Name: "Test AD", Email: "ad@example.gov.uk", Roles: []string{string(auth.RoleAD)}},
	{ID: "staff-admin", Name: "Test Admin", Email: "admin@example.gov.uk", Roles: []string{string(auth.RoleAdmin)}},
}

// Harness is a running API over fresh tables.
type Harness struct {
	t      testing.TB
	URL    string
	DB     *dynamodb.Client
	Tables dynamo.Tables
	Store  *store.Store
	Clock  *clock.Fixed
	Issuer *devauth.Issuer
	Client *http.Client
	// Assignments says who works on which case (the row rules).
	Assignments assignstore.Store
}

// Assign assigns the member of staff subject to caseID.
func (h *Harness) Assign(caseID, subject string, kind assignstore.Kind) {
	h.t.Helper()
	if err := h.Assignments.Assign(context.Background(), caseID, subject, kind, h.Clock.Now()); err != nil {
		h.t.Fatal(err)
	}
}

// AddToTeam records that manager oversees member.
func (h *Harness) AddToTeam(manager, member string) {
	h.t.Helper()
	if err := h.Assignments.AddToTeam(context.Background(), manager, member); err != nil {
		h.t.Fatal(err)
	}
}

// New starts the API for t.
func New(t testing.TB) *Harness {
	t.Helper()
	stack := localstack.ForTest(t)
	h := &Harness{t: t, DB: stack.DB(t), Tables: stack.Tables(t), Clock: clock.NewFixed(Now)}
	tmpl, err := stack.Template()
	if err != nil {
		t.Fatal(err)
	}
	h.Store = store.New(h.DB, h.Tables, h.Clock)
	gen := ids.Random{Clock: h.Clock}
	aud := audit.Writer{DB: h.DB, Table: h.Tables.Audit}
	in := intake.NewService(h.Store, aud, h.Clock, gen)
	h.Assignments = assignstore.Store{DB: h.DB, Table: h.Tables.Cases}
	staff := staffapi.New(h.Store, in, aud, access.Cases{Assignments: h.Assignments}, h.Clock, gen)

	h.Issuer, err = devauth.New(devauth.Options{BaseURL: "http://127.0.0.1:9", Users: Staff})
	if err != nil {
		t.Fatal(err)
	}
	agencies := auth.ParseAgencies(devauth.AgencyClientsEnv(devauth.DemoAgencies()))
	intakeRouter := auth.NewRouter(agencies)
	intake.Register(intakeRouter, in)
	webRouter := auth.NewRouter(agencies)
	staffapi.Register(webRouter, staff)

	handlers := map[string]http.Handler{}
	for _, f := range tmpl.Functions() {
		handlers[f.LogicalID] = http.NotFoundHandler()
	}
	handlers["IntakeFunction"] = intakeRouter
	handlers["WebFunction"] = webRouter
	gw, err := gateway.New(tmpl, handlers, gateway.JWTVerifier{
		Issuer: h.Issuer.IssuerURL(), Audience: h.Issuer.Audience(), Keys: h.Issuer, TokenUse: "access",
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	h.Client = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	return h
}

// Agency returns a token of the demo agency client (police, probation,
// prison, youth-justice) with scopes (default: write and read).
func (h *Harness) Agency(agency string, scopes ...string) string {
	h.t.Helper()
	if len(scopes) == 0 {
		scopes = []string{auth.ScopeReferralsWrite, auth.ScopeReferralsRead}
	}
	tok, err := h.Issuer.AgencyToken("dev-agency-"+agency, scopes, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// StaffToken returns a token of the demo member of staff id (see Staff).
func (h *Harness) StaffToken(id string) string {
	h.t.Helper()
	tok, err := h.Issuer.StaffToken(id, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// Response is an HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r Response) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Pointers lists the JSON pointers of a problem's errors.
func (r Response) Pointers() []string {
	var p struct {
		Errors []struct {
			Pointer string `json:"pointer"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(r.Body, &p)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Pointer)
	}
	return out
}

// Do sends a request. token "" sends none; headers are name, value pairs.
func (h *Harness) Do(method, path, token string, body []byte, headers ...string) Response {
	h.t.Helper()
	r, err := h.do(method, path, token, body, headers...)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// DoErr is Do for use from other goroutines: it returns the error.
func (h *Harness) DoErr(method, path, token string, body []byte, headers ...string) (Response, error) {
	return h.do(method, path, token, body, headers...)
}

func (h *Harness) do(method, path, token string, body []byte, headers ...string) (Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, h.URL+path, rd)
	if err != nil {
		return Response{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, err
}

// Partition returns every item of partition pk of table (a Query on the
// table's key, never a scan).
func (h *Harness) Partition(table, pk string) []map[string]types.AttributeValue {
	h.t.Helper()
	return h.query(&dynamodb.QueryInput{
		TableName:                 aws.String(table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(pk)},
		ConsistentRead:            aws.Bool(true),
	})
}

// Index returns every item under partition key value pk of index (gsi1,
// gsi2) of table.
func (h *Harness) Index(table, index, pk string) []map[string]types.AttributeValue {
	h.t.Helper()
	return h.query(&dynamodb.QueryInput{
		TableName:                 aws.String(table),
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": index + "pk"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(pk)},
	})
}

func (h *Harness) query(in *dynamodb.QueryInput) []map[string]types.AttributeValue {
	var out []map[string]types.AttributeValue
	for {
		page, err := h.DB.Query(context.Background(), in)
		if err != nil {
			h.t.Fatal(err)
		}
		out = append(out, page.Items...)
		if len(page.LastEvaluatedKey) == 0 {
			return out
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// Referrals returns every referral item (via gsi1, which lists them all
// over store.ListShards partitions).
func (h *Harness) Referrals() []map[string]types.AttributeValue {
	var out []map[string]types.AttributeValue
	for shard := range store.ListShards {
		out = append(out, h.Index(h.Tables.Referrals, dynamo.GSI1, fmt.Sprintf("REFERRALS#%d", shard))...)
	}
	return out
}

// Cases returns every case item that is open (gsi1 CASES).
func (h *Harness) Cases() []map[string]types.AttributeValue {
	return h.Index(h.Tables.Cases, dynamo.GSI1, "CASES")
}

// Audit returns the audit entries about subject ("referral:<id>").
func (h *Harness) Audit(subject string) []map[string]types.AttributeValue {
	return h.Partition(h.Tables.Audit, "AUDIT#"+subject)
}

// AuditActions returns the actions of the audit entries about subject,
// sorted (entries written at the same instant have no order).
func (h *Harness) AuditActions(subject string) []string {
	var out []string
	for _, it := range h.Audit(subject) {
		out = append(out, S(it, "action"))
	}
	slices.Sort(out)
	return out
}

// S reads a string attribute.
func S(it map[string]types.AttributeValue, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}
