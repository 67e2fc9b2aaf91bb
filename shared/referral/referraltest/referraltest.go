// Package referraltest provides realistic, synthetic referrals for tests
// of the packages that take referrals in. Every person in it is invented.
package referraltest

import (
	"encoding/json"
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/referral"
)

// Today is the day the fixtures are valid on (the meeting is after it,
// the dates of birth before it).
const Today = "2026-11-23"

// JSON is a complete, valid referral body as an agency would post it.
const JSON = `{
  "agencyReference": "TVP-PPU-2026-00123",
  "referringAgency": {"type": "police", "name": "Thames Valley Police"},
  "leadAgency": {"type": "probation", "name": "Probation Service, Thames Valley"},
  "referrer": {"name": "DC Alex Example", "role": "Public protection unit", "email": "alex.example@example.police.uk", "phone": "01865 000000"},
  "person": {
    "givenNames": "Samuel",
    "familyName": "O'Testperson",
    "aliases": [{"givenNames": "Sam", "familyName": "Testperson"}],
    "dateOfBirth": "1988-03-14",
    "gender": "male",
    "ethnicity": "White British",
    "identifiers": {"crn": "X123456", "pnc": "08/0123456K", "councilNumber": "C-000123"}
  },
  "address": {"lines": ["1 Example Street"], "town": "Reading", "postcode": "RG1 1AA"},
  "facts": ` + FactsJSON + `,
  "currentRisk": {"children": "high", "public": "medium", "knownAdult": "high", "staff": "low", "toWhom": "Former partner and her children"},
  "reasonForReferral": "Released on licence; living near a school; children in the household.",
  "victims": [{"relationship": "former partner", "details": "Adult female"}],
  "associatedChildren": [
    {"givenNames": "Ava", "familyName": "Example", "dateOfBirth": "2016-05-02",
     "address": {"lines": ["2 Example Road"], "town": "Reading", "postcode": "RG2 2BB"},
     "school": "Example Primary School", "openToChildrensSocialCare": true,
     "allocatedWorker": {"name": "Jo Worker", "email": "jo.worker@example.gov.uk"}}
  ],
  "levelRequested": 2,
  "meetingInvitation": {"date": "2026-12-10", "time": "10:00", "link": "https://meet.example.gov.uk/mappa/123", "chair": "DI Chair", "meetingType": "initial"}
}`

// Referral returns JSON decoded. It panics if the fixture is broken.
func Referral() referral.Referral {
	var r referral.Referral
	if err := json.Unmarshal([]byte(JSON), &r); err != nil {
		panic(fmt.Sprintf("referraltest: %v", err))
	}
	return r
}

// With returns JSON with the top-level and nested fields changed by edit,
// which works on the generic decoded form (maps and slices).
func With(edit func(m map[string]any)) []byte {
	var m map[string]any
	if err := json.Unmarshal([]byte(JSON), &m); err != nil {
		panic(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// Obj returns m[key] as an object, for With's edit functions.
func Obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

// Person returns JSON for a different person: given identifiers (any may be
// ""), family name, date of birth and agency reference.
func Person(ref, family, dob, crn, pnc, council string) []byte {
	return With(func(m map[string]any) {
		m["agencyReference"] = ref
		p := Obj(m, "person")
		p["familyName"] = family
		p["dateOfBirth"] = dob
		Obj(m, "facts")["dateOfBirth"] = dob
		p["identifiers"] = map[string]any{}
		ids := Obj(p, "identifiers")
		for k, v := range map[string]string{"crn": crn, "pnc": pnc, "councilNumber": council} {
			if v != "" {
				ids[k] = v
			}
		}
	})
}

// FactsJSON is the eligibility facts of the fixture: the domain's worked
// example 1 (wounding with intent, four years' imprisonment, licence to
// 2029-05-31: Category 2).
const FactsJSON = `{
    "dateOfBirth": "1988-03-14",
    "offences": [{"code": "OAPA1861-S18", "description": "Wounding with intent", "disposal": "conviction", "date": "2024-05-20"}],
    "sentence": {"type": "imprisonment", "lengthMonths": 48},
    "dates": {"sentenceDate": "2024-06-01", "releaseDate": "2026-06-01", "licenceEndDate": "2029-05-31"},
    "notification": {"status": "no"},
    "currentRisk": "high",
    "management": {"meetingsAddValue": "yes"}
  }`
