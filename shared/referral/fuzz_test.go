package referral_test

import (
	"encoding/json"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
)

// FuzzDecodeReferral feeds arbitrary bodies through the referral decoder
// (strict JSON, shape, validation): nothing may panic, an accepted body has
// no forbidden characters, and an accepted referral hashes and matches.
func FuzzDecodeReferral(f *testing.F) {
	f.Add([]byte(referraltest.JSON))
	f.Add(referraltest.Person("R", "Smith", "1980-01-01", "A111111", "99/1A", "CN1"))
	f.Add([]byte(`{"person":{"familyName":"a\u202eb","familyName":"c"}}`))
	f.Add([]byte(`{"facts":{"dateOfBirth":"1977-01-01"},"person":{"dateOfBirth":"1980-02-30"}}`))
	f.Add([]byte("{\"agencyReference\":\"\xff\"}"))
	today := civil.New(2026, 11, 23)
	f.Fuzz(func(t *testing.T, body []byte) {
		d := referral.NewDraft(today)
		errs, malformed := httpapi.DecodeBytes(body, d)
		if malformed != "" || !errs.OK() {
			return
		}
		b, err := json.Marshal(d.Referral)
		if err != nil {
			t.Fatalf("accepted referral does not encode: %v", err)
		}
		if httpapi.HasForbiddenRune(string(b)) {
			t.Fatalf("accepted a forbidden character: %s", b)
		}
		if _, err := d.Hash(); err != nil {
			t.Fatal(err)
		}
		ids := referral.IdentifiersOf(d.Person)
		_ = referral.PlanMatch(ids, referral.Matches{}, "new")
		_ = referral.NameKey(d.Person.FamilyName, d.Person.DateOfBirth)
	})
}
