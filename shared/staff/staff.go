// Package staff is the council's staff directory: each person's name, work
// email, role, team, line manager, DBS check (date and when the next is due,
// S0), the sign-in identity linked to them (so history shows names, not
// ids), their leave and other unavailable periods, and their place on the
// attendance rota of service managers and heads of service.
//
// It is pure domain: no AWS and no net/http. The rota rules (shared/rota)
// read availability from here.
package staff

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Role is a council staff role; the values are the sign-in (Cognito) group
// names, so a directory entry and a token name roles the same way.
type Role string

// The council roles (S2).
const (
	RoleBSO           Role = "business-support-officer"
	RoleSocialWorker  Role = "social-worker"
	RoleTeamManager   Role = "team-manager" // practice supervisor or team manager
	RoleServiceMgr    Role = "service-manager"
	RoleHeadOfService Role = "head-of-service"
	RoleAD            Role = "assistant-director"
	RoleAdmin         Role = "administrator"
)

// Roles lists every role.
var Roles = []Role{RoleBSO, RoleSocialWorker, RoleTeamManager, RoleServiceMgr, RoleHeadOfService, RoleAD, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label is the role as people say it.
func (r Role) Label() string {
	switch r {
	case RoleBSO:
		return "Business support officer"
	case RoleSocialWorker:
		return "Social worker"
	case RoleTeamManager:
		return "Practice supervisor or team manager"
	case RoleServiceMgr:
		return "Service manager"
	case RoleHeadOfService:
		return "Head of service"
	case RoleAD:
		return "Assistant director"
	case RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// DBSIntervalYears is how often a DBS check is renewed when the directory
// is not told a date (product policy: every 3 years, S0 asks for the date
// and when the next is due).
const DBSIntervalYears = 3

// Person is one member of staff in the directory.
type Person struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  Role   `json:"role"`
	// Roles are every role the person holds (Role is the main one, first).
	Roles       []Role `json:"roles"`
	Team        string `json:"team,omitempty"`
	LineManager string `json:"lineManagerId,omitempty"`
	// DBSCheckedOn is the date of the last DBS check; DBSNextDue when the
	// next one is due (S0).
	DBSCheckedOn civil.Date `json:"dbsCheckedOn,omitzero"`
	DBSNextDue   civil.Date `json:"dbsNextDue,omitzero"`
	// Subject is the sign-in identity (token "sub") linked to this person.
	Subject string `json:"subject,omitempty"`
	Active  bool   `json:"active"`
	Version int    `json:"version"`
}

// Has reports whether p holds role r.
func (p Person) Has(r Role) bool { return p.Role == r || slices.Contains(p.Roles, r) }

// DBSOverdue reports whether the next DBS check is due on or before on.
func (p Person) DBSOverdue(on civil.Date) bool {
	return !p.DBSNextDue.IsZero() && !p.DBSNextDue.After(on)
}

// Input is what a business support officer or administrator enters.
type Input struct {
	Name         string     `json:"name"`
	Email        string     `json:"email"`
	Role         Role       `json:"role"`
	Team         string     `json:"team,omitempty"`
	LineManager  string     `json:"lineManagerId,omitempty"`
	DBSCheckedOn civil.Date `json:"dbsCheckedOn,omitzero"`
	DBSNextDue   civil.Date `json:"dbsNextDue,omitzero"`
	Subject      string     `json:"subject,omitempty"`
	Active       *bool      `json:"active,omitempty"`
}

// Apply checks in and copies it onto p (a new person when p is zero),
// with field-level errors. The next DBS check defaults to DBSIntervalYears
// after the last one.
func (in Input) Apply(p Person, today civil.Date) (Person, validation.Errors) {
	var errs validation.Errors
	name := strings.TrimSpace(in.Name)
	if errs.Required("/name", name == "") && len(name) > 120 {
		errs.Add("/name", "must be 120 characters or fewer")
	}
	email := strings.TrimSpace(in.Email)
	if errs.Required("/email", email == "") {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !strings.Contains(email, "@") {
			errs.Add("/email", "must be a work email address, like name@example.gov.uk")
		}
	}
	if errs.Required("/role", in.Role == "") && !in.Role.Valid() {
		errs.Add("/role", "must be one of the council roles")
	}
	if len(in.Team) > 120 {
		errs.Add("/team", "must be 120 characters or fewer")
	}
	if in.LineManager != "" && in.LineManager == p.ID {
		errs.Add("/lineManagerId", "cannot be the person themselves")
	}
	if !in.DBSCheckedOn.IsZero() && in.DBSCheckedOn.After(today) {
		errs.Add("/dbsCheckedOn", "must be today or in the past")
	}
	next := in.DBSNextDue
	if next.IsZero() && !in.DBSCheckedOn.IsZero() {
		next = in.DBSCheckedOn.AddYears(DBSIntervalYears)
	}
	if !next.IsZero() && !in.DBSCheckedOn.IsZero() && !next.After(in.DBSCheckedOn) {
		errs.Add("/dbsNextDue", "must be after the date of the last check")
	}
	if !errs.OK() {
		return p, errs
	}
	p.Name, p.Email, p.Role, p.Team, p.LineManager = name, email, in.Role, strings.TrimSpace(in.Team), in.LineManager
	if !slices.Contains(p.Roles, in.Role) {
		p.Roles = append([]Role{in.Role}, p.Roles...)
	}
	p.DBSCheckedOn, p.DBSNextDue = in.DBSCheckedOn, next
	if in.Subject != "" {
		p.Subject = in.Subject
	}
	if p.Version == 0 {
		p.Active = true
	}
	if in.Active != nil {
		p.Active = *in.Active
	}
	return p, nil
}

// LeaveKind says why someone is away.
type LeaveKind string

// Kinds of unavailability.
const (
	LeaveAnnual   LeaveKind = "annual-leave"
	LeaveSick     LeaveKind = "sickness"
	LeaveTraining LeaveKind = "training"
	LeaveOther    LeaveKind = "other"
)

// LeaveKinds lists the kinds.
var LeaveKinds = []LeaveKind{LeaveAnnual, LeaveSick, LeaveTraining, LeaveOther}

// Leave is a period when a person cannot attend meetings, both days
// included.
type Leave struct {
	ID      string     `json:"id"`
	StaffID string     `json:"staffId"`
	From    civil.Date `json:"from"`
	To      civil.Date `json:"to"`
	Kind    LeaveKind  `json:"kind"`
}

// Covers reports whether the leave includes day.
func (l Leave) Covers(day civil.Date) bool { return !day.Before(l.From) && !day.After(l.To) }

// Validate checks a leave period.
func (l Leave) Validate() validation.Errors {
	var errs validation.Errors
	errs.Required("/from", l.From.IsZero())
	errs.Required("/to", l.To.IsZero())
	if !l.From.IsZero() && !l.To.IsZero() && l.To.Before(l.From) {
		errs.Add("/to", "must be the same as or after the first day")
	}
	if !l.From.IsZero() && !l.To.IsZero() && l.From.DaysUntil(l.To) > 366 {
		errs.Add("/to", "a period of leave can be at most a year; enter a longer absence as more than one period")
	}
	if l.Kind != "" && !slices.Contains(LeaveKinds, l.Kind) {
		errs.Add("/kind", "must be annual leave, sickness, training or other")
	}
	return errs
}

// OnLeave returns the leave that covers day, if any.
func OnLeave(leave []Leave, day civil.Date) (Leave, bool) {
	for _, l := range leave {
		if l.Covers(day) {
			return l, true
		}
	}
	return Leave{}, false
}

// RotaEntry is a person's place on the rota of a role (service managers
// attend level 2 meetings, heads of service level 3).
type RotaEntry struct {
	Role     Role   `json:"role"`
	StaffID  string `json:"staffId"`
	Position int    `json:"position"`
	// Active: on the rota now.
	Active bool `json:"active"`
	// Backup: covers others; not chosen first for a new individual.
	Backup bool `json:"backup"`
	// BackupFor is the person this one covers first, if any.
	BackupFor string `json:"backupFor,omitempty"`
}

// Validate checks a rota entry.
func (e RotaEntry) Validate() validation.Errors {
	var errs validation.Errors
	if e.Role != RoleServiceMgr && e.Role != RoleHeadOfService {
		errs.Add("/role", "the rota is of service managers and heads of service")
	}
	errs.Required("/staffId", e.StaffID == "")
	if e.Position < 0 || e.Position > 999 {
		errs.Add("/position", "must be between 0 and 999")
	}
	if e.BackupFor != "" && e.BackupFor == e.StaffID {
		errs.Add("/backupFor", "cannot be the person themselves")
	}
	return errs
}

// Names maps staff ids to names, for showing history with names.
type Names map[string]string

// Of returns the name of id, or a stand-in that says the person is not in
// the directory (never the raw id for a person: ids are for logs).
func (n Names) Of(id string) string {
	if id == "" {
		return ""
	}
	if name, ok := n[id]; ok {
		return name
	}
	if strings.HasPrefix(id, "system:") {
		return "The system (" + strings.TrimPrefix(id, "system:") + ")"
	}
	return fmt.Sprintf("Someone not in the staff directory (%s)", id)
}
