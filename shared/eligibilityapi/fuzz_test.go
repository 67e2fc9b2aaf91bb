package eligibilityapi

import (
	"encoding/json"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
)

// FuzzDecodeFacts feeds arbitrary bodies through the handler's decoding
// path and, when they decode, through the engine: nothing may panic, and
// every answer must encode as JSON.
func FuzzDecodeFacts(f *testing.F) {
	for _, seed := range []string{
		example1,
		`{}`,
		`{"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],"notification":{"status":"yes"}}`,
		`{"offences":[{"code":"MURDER","inchoate":"attempt","disposal":"conviction","date":"2020-01-01"}],"sentence":{"type":"imprisonment","lengthWeeks":5218,"lengthDays":36525}}`,
		`{"dateOfBirth":"1900-01-01","offences":[{"statute":"Theft Act 1968 s.9","disposal":"conviction"}],"sentence":{"type":"conditional-discharge","lengthMonths":1200},"notification":{"status":"yes"}}`,
		`{"category3":{"seriousHarmCapability":"yes"},"terrorism":{"raConsidersAtRisk":"not-yet-recorded"}}`,
		`{"offences":[{"code":"x","disposal":"conviction","date":"2200-12-31"}],"sentence":{"type":"dto","lengthMonths":-1}}`,
		`{"ageAtConviction":9223372036854775807}`,
		`[]`, `null`, `"x"`, `{"offences":null,"sentence":null}`,
	} {
		f.Add([]byte(seed))
	}
	today := civil.New(2026, 11, 23)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := Request{today: today}
		errs, malformed := httpapi.DecodeBytes(body, &req)
		if malformed != "" {
			return
		}
		// The engine must cope with anything that decodes, valid or not.
		res := eligibility.Classify(req.Facts, today)
		lvl := eligibility.SuggestLevel(req.Facts, res)
		if errs.OK() && res.Outcome == "" {
			t.Fatalf("no outcome for %s", body)
		}
		if _, err := json.Marshal(Response{Classification: res, SuggestedLevel: lvl}); err != nil {
			t.Fatalf("answer does not encode: %v", err)
		}
	})
}
