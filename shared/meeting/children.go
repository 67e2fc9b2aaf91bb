package meeting

import (
	"regexp"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Child is a child associated with the individual of a case (S2: the
// children and contacts of the MAPPA A referral). The same child can be
// associated with more than one case; a child is matched to an existing
// record by their council number.
type Child struct {
	ID            string     `json:"id"`
	GivenNames    string     `json:"givenNames"`
	FamilyName    string     `json:"familyName"`
	DateOfBirth   civil.Date `json:"dateOfBirth,omitzero"`
	CouncilNumber string     `json:"councilNumber,omitempty"`
	// Relationship of the child to the individual ("daughter", "partner's
	// son", "neighbour").
	Relationship string `json:"relationship"`
	// OpenToCSC: the child is open to children's social care.
	OpenToCSC bool `json:"openToChildrensSocialCare"`
	// SocialWorkerID is the allocated social worker (staff id);
	// SupervisorID their practice supervisor or team manager; Team the team.
	SocialWorkerID string    `json:"socialWorkerId,omitempty"`
	SupervisorID   string    `json:"supervisorId,omitempty"`
	Team           string    `json:"team,omitempty"`
	UpdatedAt      time.Time `json:"updatedAt"`
	UpdatedBy      string    `json:"updatedBy"`
	Version        int       `json:"version"`
}

// ChildInput is what staff enter for a child.
type ChildInput struct {
	GivenNames     string     `json:"givenNames"`
	FamilyName     string     `json:"familyName"`
	DateOfBirth    civil.Date `json:"dateOfBirth,omitzero"`
	CouncilNumber  string     `json:"councilNumber,omitempty"`
	Relationship   string     `json:"relationship"`
	OpenToCSC      bool       `json:"openToChildrensSocialCare"`
	SocialWorkerID string     `json:"socialWorkerId,omitempty"`
	SupervisorID   string     `json:"supervisorId,omitempty"`
	Team           string     `json:"team,omitempty"`
	Version        int        `json:"version,omitempty"`
}

var councilNumberRE = regexp.MustCompile(`^[A-Za-z0-9-]{1,20}$`)

// NormaliseCouncilNumber is the form council numbers are matched in.
func NormaliseCouncilNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// Apply checks in and copies it onto c, with field-level errors. Someone
// must be the allocated social worker of a child open to children's
// social care.
func (in ChildInput) Apply(c Child, today civil.Date, now time.Time, actor string) (Child, validation.Errors) {
	var errs validation.Errors
	gn, fn := strings.TrimSpace(in.GivenNames), strings.TrimSpace(in.FamilyName)
	if errs.Required("/givenNames", gn == "") && len(gn) > 100 {
		errs.Add("/givenNames", "must be 100 characters or fewer")
	}
	if errs.Required("/familyName", fn == "") && len(fn) > 100 {
		errs.Add("/familyName", "must be 100 characters or fewer")
	}
	if !in.DateOfBirth.IsZero() {
		if in.DateOfBirth.After(today) {
			errs.Add("/dateOfBirth", "must be in the past")
		} else if in.DateOfBirth.AgeOn(today) >= 18 {
			errs.Add("/dateOfBirth", "the child must be under 18")
		}
	}
	cn := NormaliseCouncilNumber(in.CouncilNumber)
	if cn != "" && !councilNumberRE.MatchString(cn) {
		errs.Add("/councilNumber", "must be letters, numbers and hyphens only, up to 20")
	}
	if errs.Required("/relationship", strings.TrimSpace(in.Relationship) == "") && len(in.Relationship) > 100 {
		errs.Add("/relationship", "must be 100 characters or fewer")
	}
	if in.OpenToCSC && in.SocialWorkerID == "" && in.SupervisorID == "" {
		errs.Add("/socialWorkerId", "choose the allocated social worker of a child open to children's social care")
	}
	if len(in.Team) > 120 {
		errs.Add("/team", "must be 120 characters or fewer")
	}
	if !errs.OK() {
		return c, errs
	}
	c.GivenNames, c.FamilyName, c.DateOfBirth, c.CouncilNumber = gn, fn, in.DateOfBirth, cn
	c.Relationship, c.OpenToCSC = strings.TrimSpace(in.Relationship), in.OpenToCSC
	c.SocialWorkerID, c.SupervisorID, c.Team = in.SocialWorkerID, in.SupervisorID, strings.TrimSpace(in.Team)
	c.UpdatedAt, c.UpdatedBy = now.UTC(), actor
	return c, nil
}

// Name is the child's full name.
func (c Child) Name() string { return strings.TrimSpace(c.GivenNames + " " + c.FamilyName) }
