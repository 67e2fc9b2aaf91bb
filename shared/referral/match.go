package referral

import "slices"

// Matches is what the store found for a referral's person: the case each
// identifier is already claimed by, and the open cases whose person has the
// same normalised family name and date of birth.
type Matches struct {
	// Claimed maps each identifier already known to the case that holds it.
	Claimed map[Identifier]string
	// ByNameAndBirth lists cases with the same name key (see NameKey).
	ByNameAndBirth []string
}

// Plan is where a new referral goes.
type Plan struct {
	// CaseID is the case the referral joins.
	CaseID string
	// NewCase is true if CaseID is a case to create.
	NewCase bool
	// Claim lists the identifiers the case should claim now (those no case
	// holds yet).
	Claim []Identifier
	// PossibleMatches lists other cases that may be the same person, for a
	// business support officer to confirm. Never merged silently.
	PossibleMatches []string
}

// PlanMatch decides where a referral for a person with identifiers ids goes.
//
// A shared identifier (CRN, then PNC, then council number) attaches the
// referral to the case that holds it; if the identifiers point at more than
// one case, the strongest wins and the others are possible matches. With
// no shared identifier the referral gets a new case (newCaseID), and cases
// matching on family name and date of birth alone are possible matches.
func PlanMatch(ids []Identifier, m Matches, newCaseID string) Plan {
	var p Plan
	for _, id := range ids { // strongest first
		caseID, ok := m.Claimed[id]
		if !ok {
			p.Claim = append(p.Claim, id)
			continue
		}
		if p.CaseID == "" {
			p.CaseID = caseID
		} else if caseID != p.CaseID && !slices.Contains(p.PossibleMatches, caseID) {
			p.PossibleMatches = append(p.PossibleMatches, caseID)
		}
	}
	if p.CaseID != "" {
		return p
	}
	p.CaseID, p.NewCase = newCaseID, true
	for _, c := range m.ByNameAndBirth {
		if c != newCaseID && !slices.Contains(p.PossibleMatches, c) {
			p.PossibleMatches = append(p.PossibleMatches, c)
		}
	}
	return p
}
