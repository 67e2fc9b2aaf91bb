// Package referral is the MAPPA A referral as agencies send it and as the
// council handles it: the body an agency posts (or a business support
// officer types in from an email), its validation against a given day, the
// identifiers that link it to a case, the status a referral moves through,
// the decisions business support officers take, and the level changes that
// are recorded against a case.
//
// It is domain code: no AWS, no net/http, no clock. Callers pass "today" and
// "now" in.
package referral

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/risk"
)

// AgencyType is the kind of agency that refers or leads.
type AgencyType string

// Agency types. The first four are also the agency ids of the machine
// clients (auth.Identity.Agency).
const (
	AgencyPolice       AgencyType = "police"
	AgencyProbation    AgencyType = "probation"
	AgencyPrison       AgencyType = "prison"
	AgencyYouthJustice AgencyType = "youth-justice"
	AgencyOther        AgencyType = "other"
)

// AgencyTypes lists every accepted agency type.
var AgencyTypes = []AgencyType{AgencyPolice, AgencyProbation, AgencyPrison, AgencyYouthJustice, AgencyOther}

// Agency names an agency: its type and its own name ("Thames Valley Police").
type Agency struct {
	Type AgencyType `json:"type"`
	Name string     `json:"name"`
}

// Contact is a person at an agency who can be reached about the referral.
type Contact struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Alias is another name the person is or was known by.
type Alias struct {
	GivenNames string `json:"givenNames,omitempty"`
	FamilyName string `json:"familyName"`
}

// Gender as the referral records it.
type Gender string

// Accepted genders.
const (
	GenderFemale   Gender = "female"
	GenderMale     Gender = "male"
	GenderOther    Gender = "other"
	GenderNotKnown Gender = "not-known"
)

// Genders lists every accepted gender value.
var Genders = []Gender{GenderFemale, GenderMale, GenderOther, GenderNotKnown}

// Identifiers are the numbers other systems know the person by.
type Identifiers struct {
	// CRN is the nDelius case reference number: a letter and six digits.
	CRN string `json:"crn,omitempty"`
	// PNC is the Police National Computer number: YY/NNNNNNNL.
	PNC string `json:"pnc,omitempty"`
	// CouncilNumber is the council's own case number for the person.
	CouncilNumber string `json:"councilNumber,omitempty"`
}

// Person is the person referred (the MAPPA offender).
type Person struct {
	GivenNames  string      `json:"givenNames"`
	FamilyName  string      `json:"familyName"`
	Aliases     []Alias     `json:"aliases,omitempty"`
	DateOfBirth civil.Date  `json:"dateOfBirth"`
	Gender      Gender      `json:"gender"`
	Ethnicity   string      `json:"ethnicity,omitempty"`
	Identifiers Identifiers `json:"identifiers"`
}

// Address is a postal address, or, for someone of no fixed abode, the area
// they have closest links with.
type Address struct {
	Lines              []string `json:"lines,omitempty"`
	Town               string   `json:"town,omitempty"`
	Postcode           string   `json:"postcode,omitempty"`
	NoFixedAbode       bool     `json:"noFixedAbode,omitempty"`
	AreaOfClosestLinks string   `json:"areaOfClosestLinks,omitempty"`
}

// CurrentRisk is the risk of serious harm per group at risk, and to whom.
type CurrentRisk struct {
	Children   risk.Level `json:"children"`
	Public     risk.Level `json:"public"`
	KnownAdult risk.Level `json:"knownAdult"`
	Staff      risk.Level `json:"staff"`
	// ToWhom says who is at risk (free text, never logged).
	ToWhom string `json:"toWhom"`
}

// Highest is the highest risk of serious harm to any group ("" when none
// was given): the case's risk, which the rota watches for a rise.
func (c CurrentRisk) Highest() risk.Level {
	var top risk.Level
	for _, l := range []risk.Level{c.Children, c.Public, c.KnownAdult, c.Staff} {
		if l.Rank() > top.Rank() {
			top = l
		}
	}
	return top
}

// Victim is a victim of the index offence or a person at risk.
type Victim struct {
	Name         string `json:"name,omitempty"`
	Relationship string `json:"relationship,omitempty"`
	IsChild      bool   `json:"isChild,omitempty"`
	Details      string `json:"details,omitempty"`
}

// Child is a child associated with the person (lives with them, is in
// contact with them, or is a victim).
type Child struct {
	GivenNames  string     `json:"givenNames"`
	FamilyName  string     `json:"familyName"`
	DateOfBirth civil.Date `json:"dateOfBirth"`
	Address     *Address   `json:"address,omitempty"`
	School      string     `json:"school,omitempty"`
	// OpenToChildrensSocialCare must be given: true or false.
	OpenToChildrensSocialCare *bool    `json:"openToChildrensSocialCare"`
	AllocatedWorker           *Contact `json:"allocatedWorker,omitempty"`
}

// MeetingType says whether a meeting is the first about the person.
type MeetingType string

// Meeting types.
const (
	MeetingInitial MeetingType = "initial"
	MeetingReview  MeetingType = "review"
)

// MeetingInvitation is the invitation to a MAPPA meeting that came with the
// referral. Date is a calendar date and Time is "HH:MM" in Europe/London.
type MeetingInvitation struct {
	Date        civil.Date  `json:"date"`
	Time        string      `json:"time"`
	Place       string      `json:"place,omitempty"`
	Link        string      `json:"link,omitempty"`
	Chair       string      `json:"chair,omitempty"`
	MeetingType MeetingType `json:"meetingType"`
}

// Referral is the body of a MAPPA A referral.
type Referral struct {
	// AgencyReference is the referring agency's own reference. With the
	// agency it is the default idempotency key.
	AgencyReference    string             `json:"agencyReference"`
	ReferringAgency    Agency             `json:"referringAgency"`
	LeadAgency         Agency             `json:"leadAgency"`
	Referrer           Contact            `json:"referrer"`
	Person             Person             `json:"person"`
	Address            Address            `json:"address"`
	Facts              eligibility.Facts  `json:"facts"`
	CurrentRisk        CurrentRisk        `json:"currentRisk"`
	ReasonForReferral  string             `json:"reasonForReferral"`
	Victims            []Victim           `json:"victims,omitempty"`
	AssociatedChildren []Child            `json:"associatedChildren,omitempty"`
	LevelRequested     int                `json:"levelRequested"`
	MeetingInvitation  *MeetingInvitation `json:"meetingInvitation,omitempty"`
}

// Canonical returns the referral's canonical JSON: struct field order, no
// insignificant whitespace, so two bodies that mean the same thing encode the
// same bytes whatever their key order or spacing was.
func (r Referral) Canonical() ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("referral: canonical JSON: %w", err)
	}
	return b, nil
}

// Hash returns the hex SHA-256 of the canonical JSON. Idempotency records
// keep it to tell a retry (same hash) from a reused key (different hash).
func (r Referral) Hash() (string, error) {
	b, err := r.Canonical()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
