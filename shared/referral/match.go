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
	// Conflicts lists cases that hold one of the referral's identifiers
	// but whose person has a different family name or date of birth. They
	// are also in PossibleMatches; the referral is never attached to them
	// without a person deciding.
	Conflicts []string
}

// PlanMatch decides where a referral for a person with identifiers ids goes.
//
// A shared identifier (CRN, then PNC, then council number) attaches the
// referral to the case that holds it, but only if that case's person has the
// same family name and date of birth (the case is in m.ByNameAndBirth): an
// identifier is sometimes mistyped or reused, and attaching a referral to
// the wrong person's case would put one person's history in another's
// record. A case that holds an identifier but has a different name or date
// of birth is a conflict: the referral gets a new provisional case and that
// case is listed as a possible match for a person to resolve. If the
// identifiers point at more than one case, the strongest agreeing one wins
// and the others are possible matches. With no shared identifier the
// referral gets a new case (newCaseID), and cases matching on family name
// and date of birth alone are possible matches.
func PlanMatch(ids []Identifier, m Matches, newCaseID string) Plan {
	var p Plan
	var conflicts []string
	for _, id := range ids { // strongest first
		caseID, ok := m.Claimed[id]
		if !ok {
			p.Claim = append(p.Claim, id)
			continue
		}
		switch {
		case !slices.Contains(m.ByNameAndBirth, caseID):
			if !slices.Contains(conflicts, caseID) {
				conflicts = append(conflicts, caseID)
			}
		case p.CaseID == "":
			p.CaseID = caseID
		case caseID != p.CaseID && !slices.Contains(p.PossibleMatches, caseID):
			p.PossibleMatches = append(p.PossibleMatches, caseID)
		}
	}
	p.Conflicts = conflicts
	if p.CaseID != "" {
		for _, c := range conflicts {
			if c != p.CaseID && !slices.Contains(p.PossibleMatches, c) {
				p.PossibleMatches = append(p.PossibleMatches, c)
			}
		}
		return p
	}
	p.CaseID, p.NewCase = newCaseID, true
	for _, c := range append(conflicts, m.ByNameAndBirth...) {
		if c != newCaseID && !slices.Contains(p.PossibleMatches, c) {
			p.PossibleMatches = append(p.PossibleMatches, c)
		}
	}
	return p
}
