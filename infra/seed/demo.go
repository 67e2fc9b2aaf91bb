package seed

import (
	"encoding/json"
	"time"
)

// DemoReferrals returns the demo referrals posted on first run, through the
// real agency API. Every person, address and reference is invented. Dates
// are relative to today, so the demo always shows a short-notice meeting,
// one further out, and one referral the engine cannot decide on without
// more facts (a business support officer asks for more information).
var DemoReferrals = func(today time.Time) []ReferralSeed {
	day := func(offset int) string { return today.AddDate(0, 0, offset).Format(time.DateOnly) }
	return []ReferralSeed{
		{ClientID: "dev-agency-police", IdempotencyKey: "demo-referral-1", Body: demoBody(map[string]any{
			"agencyReference": "DEMO-POL-0001",
			"referringAgency": map[string]any{"type": "police", "name": "Demo Constabulary"},
			"leadAgency":      map[string]any{"type": "probation", "name": "Demo Probation Delivery Unit"},
			"referrer":        map[string]any{"name": "DC Demo Officer", "role": "Public protection unit", "email": "ppu@example.police.uk"},
			"person": map[string]any{"givenNames": "Adam", "familyName": "Demoperson", "dateOfBirth": "1985-07-02", "gender": "male",
				"identifiers": map[string]any{"crn": "D100001", "pnc": "05/0000001A"}},
			"address": map[string]any{"lines": []string{"1 Sample Street"}, "town": "Exampleton", "postcode": "EX1 1AA"},
			"facts": map[string]any{
				"dateOfBirth":  "1985-07-02",
				"offences":     []any{map[string]any{"code": "OAPA1861-S18", "description": "Wounding with intent", "disposal": "conviction", "date": "2023-03-10"}},
				"sentence":     map[string]any{"type": "imprisonment", "lengthMonths": 48},
				"dates":        map[string]any{"sentenceDate": "2023-04-01", "releaseDate": day(-30), "licenceEndDate": "2029-05-31"},
				"notification": map[string]any{"status": "no"},
				"currentRisk":  "high",
				"management":   map[string]any{"meetingsAddValue": "yes"},
			},
			"currentRisk":       map[string]any{"children": "high", "public": "medium", "knownAdult": "high", "staff": "low", "toWhom": "Former partner and her children"},
			"reasonForReferral": "Released on licence to an address near the former partner's home.",
			"associatedChildren": []any{map[string]any{"givenNames": "Bea", "familyName": "Sample", "dateOfBirth": "2017-09-12",
				"school": "Example Primary School", "openToChildrensSocialCare": true}},
			"levelRequested":    2,
			"meetingInvitation": map[string]any{"date": day(8), "time": "10:00", "place": "Exampleton Police Station", "chair": "DI Demo Chair", "meetingType": "initial"},
		})},
		{ClientID: "dev-agency-probation", IdempotencyKey: "demo-referral-2", Body: demoBody(map[string]any{
			"agencyReference": "DEMO-PRB-0002",
			"referringAgency": map[string]any{"type": "probation", "name": "Demo Probation Delivery Unit"},
			"leadAgency":      map[string]any{"type": "police", "name": "Demo Constabulary"},
			"referrer":        map[string]any{"name": "Probation Practitioner Demo", "role": "Probation practitioner", "email": "pdu@example.probation.gov.uk"},
			"person": map[string]any{"givenNames": "Carl", "familyName": "Fictional", "dateOfBirth": "1979-01-20", "gender": "male",
				"identifiers": map[string]any{"crn": "D100002"}},
			"address": map[string]any{"noFixedAbode": true, "areaOfClosestLinks": "Exampleton town centre"},
			"facts": map[string]any{
				"dateOfBirth":  "1979-01-20",
				"offences":     []any{map[string]any{"code": "SOA2003-S3", "description": "Sexual assault", "disposal": "caution", "date": day(-200)}},
				"notification": map[string]any{"status": "yes"},
				"currentRisk":  "medium",
				"management":   map[string]any{"meetingsAddValue": "yes", "exceptionalCoordination": true},
			},
			"currentRisk":       map[string]any{"children": "medium", "public": "medium", "knownAdult": "low", "staff": "low", "toWhom": "Children in public places"},
			"reasonForReferral": "Cautioned; seen near a play area; no fixed abode.",
			"levelRequested":    2,
			"meetingInvitation": map[string]any{"date": day(35), "time": "14:30", "link": "https://meet.example.gov.uk/mappa/demo-2", "meetingType": "initial"},
		})},
		{ClientID: "dev-agency-prison", IdempotencyKey: "demo-referral-3", Body: demoBody(map[string]any{
			"agencyReference": "DEMO-HMP-0003",
			"referringAgency": map[string]any{"type": "prison", "name": "HMP Demo"},
			"leadAgency":      map[string]any{"type": "probation", "name": "Demo Probation Delivery Unit"},
			"referrer":        map[string]any{"name": "Offender Manager Demo", "role": "Offender management unit", "email": "omu@example.justice.gov.uk"},
			"person": map[string]any{"givenNames": "Dee", "familyName": "Invented", "dateOfBirth": "1992-11-30", "gender": "female",
				"identifiers": map[string]any{"pnc": "12/0000003C"}},
			"address": map[string]any{"lines": []string{"HMP Demo"}, "town": "Exampleton", "postcode": "EX9 9ZZ"},
			"facts": map[string]any{
				"dateOfBirth":  "1992-11-30",
				"offences":     []any{map[string]any{"code": "OAPA1861-S47", "description": "Assault occasioning actual bodily harm", "disposal": "conviction", "date": day(-120)}},
				"sentence":     map[string]any{"type": "imprisonment", "lengthMonths": 9},
				"dates":        map[string]any{"sentenceDate": day(-100), "releaseDate": day(40)},
				"notification": map[string]any{"status": "no"},
				"currentRisk":  "high",
			},
			"currentRisk":       map[string]any{"children": "high", "public": "low", "knownAdult": "medium", "staff": "low", "toWhom": "Own children on release"},
			"reasonForReferral": "Release planned to the family home; children in the household.",
			"levelRequested":    2,
		})},
	}
}

func demoBody(m map[string]any) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // static data: a failure is a programming error
	}
	return b
}
