package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/eligibilityapi"
)

// everyField is a POST /v1/eligibility body that uses every member of
// every schema the endpoint accepts: the facts (offences with where,
// country, their own sentences, how they run, the victim's age, the 1997
// question), the review and notice questions, and asOf.
const everyField = `{
  "dateOfBirth": "1980-06-15",
  "ageAtConviction": 44,
  "offences": [
    {"code": "OAPA1861-S18", "description": "Wounding with intent", "inchoate": "attempt", "disposal": "conviction", "date": "2025-05-01",
     "where": "england-and-wales", "victimUnder18": "no", "subjectOn1September1997": "unknown",
     "sentence": {"type": "imprisonment", "lengthMonths": 48, "lengthWeeks": 1, "lengthDays": 2, "runs": "consecutive", "date": "2025-05-02"}},
    {"statute": "Sexual Offences Act 2003 s.3", "disposal": "conviction", "date": "2025-05-01", "victimUnder18": "yes",
     "sentence": {"type": "extended", "lengthMonths": 12, "extensionMonths": 12, "runs": "consecutive", "date": "2025-05-02", "suspended": false}},
    {"description": "Assault", "country": "France", "where": "elsewhere", "outsideEnglandAndWales": true, "disposal": "caution", "date": "2019-01-01"}
  ],
  "sentence": {"type": "hospital-order", "restrictionOrder": true, "life": false, "suspended": false},
  "dates": {"sentenceDate": "2025-05-02", "releaseDate": "2027-05-01", "paroleEligibilityDate": "2026-12-01", "licenceEndDate": "2030-05-01", "orderEndDate": "2031-01-01"},
  "notification": {"status": "yes", "endDate": "2035-05-01"},
  "terrorism": {"ctaNotification": "no", "terrorismOffence": false, "terroristConnection": false, "raConsidersAtRisk": "not-yet-recorded"},
  "disqualifiedFromWorkingWithChildren": true,
  "category3": {"seriousHarmCapability": "yes", "linkToCurrentRisk": "yes", "currentRiskOfSeriousHarm": "yes", "needsLevel2Or3Management": "yes"},
  "currentRisk": "medium",
  "management": {"meetingsAddValue": "yes", "exceptionalCoordination": true, "steppingDownFromLevel3": true, "seniorRepresentation": true, "significantResources": true, "mediaScrutiny": true},
  "contactWithChildren": "yes",
  "previousManagement": {"category": 2, "level": 2, "ended": "2024-01-01"},
  "asOf": "2026-06-01",
  "review": {"level": 2, "lastMeeting": "2026-10-01"},
  "notice": {"meeting": "2027-03-25", "received": "2027-03-17"}
}`

// TestEligibilityContract posts an example of every schema the endpoint
// accepts and checks each body, and each answer (eligible, not eligible
// with the children follow-up, cannot decide, a refusal), against the
// OpenAPI document; GET /v1/offences likewise.
func TestEligibilityContract(t *testing.T) {
	b, err := json.Marshal(Document())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Find("/v1/eligibility").Post
	reqSchema := op.RequestBody.Value.Content["application/json"].Schema.Value
	respSchema := func(o *openapi3.Operation, status int) *openapi3.Schema {
		r := o.Responses.Status(status)
		if r == nil {
			t.Fatalf("%s documents no %d", o.OperationID, status)
		}
		for _, mt := range r.Value.Content {
			return mt.Schema.Value
		}
		t.Fatalf("%s %d has no schema", o.OperationID, status)
		return nil
	}
	decode := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	h := eligibilityapi.Handler(clock.NewFixed(time.Date(2026, time.November, 23, 12, 0, 0, 0, civil.London)))
	bodies := map[string]struct {
		body   string
		status int
	}{
		"every field":                  {everyField, 200},
		"eligible":                     {`{"dateOfBirth":"1980-06-15","offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],"sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"licenceEndDate":"2029-05-31"},"notification":{"status":"no"},"currentRisk":"high","management":{"meetingsAddValue":"yes"}}`, 200},
		"not eligible, children route": {`{"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-02-01"}],"sentence":{"type":"imprisonment","lengthMonths":9}}`, 200},
		"cannot decide":                {`{"offences":[{"description":"an offence nobody has heard of","disposal":"conviction","date":"2026-02-01"}]}`, 200},
		"refused":                      {`{"offences":[{"code":"OAPA1861-S18","disposal":"sometimes"}],"asOf":"1066-10-14"}`, 422},
		"nothing to assess":            {`{}`, 422},
	}
	for name, c := range bodies {
		if c.status == 200 {
			if err := reqSchema.VisitJSON(decode(c.body)); err != nil {
				t.Errorf("%s: the document does not accept the body: %v", name, err)
			}
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/v1/eligibility", bytes.NewBufferString(c.body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Fatalf("%s: %d, want %d: %s", name, rec.Code, c.status, rec.Body)
		}
		if err := respSchema(op, c.status).VisitJSON(decode(rec.Body.String())); err != nil {
			t.Errorf("%s: the answer does not match the document: %v\n%s", name, err, rec.Body)
		}
	}

	// The checks have teeth: a member the document does not describe, or a
	// value outside an enum, is refused.
	if err := reqSchema.VisitJSON(decode(`{"offences":[{"code":"X","disposal":"conviction","colour":"blue"}]}`)); err == nil {
		t.Error("the document accepts an offence member it does not describe")
	}
	if err := respSchema(op, 200).VisitJSON(decode(`{"classification":{"outcome":"perhaps"}}`)); err == nil {
		t.Error("the document accepts an outcome outside its enum")
	}

	get := doc.Paths.Find("/v1/offences").Get
	for q, status := range map[string]int{"?q=strangulation": 200, "?q=s.47&limit=2": 200, "?limit=99": 422} {
		rec := httptest.NewRecorder()
		eligibilityapi.OffencesHandler().ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/v1/offences"+q, nil))
		if rec.Code != status {
			t.Fatalf("GET /v1/offences%s: %d, want %s", q, rec.Code, strconv.Itoa(status))
		}
		if err := respSchema(get, status).VisitJSON(decode(rec.Body.String())); err != nil {
			t.Errorf("GET /v1/offences%s: the answer does not match the document: %v", q, err)
		}
	}
}
