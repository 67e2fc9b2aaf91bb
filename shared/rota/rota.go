// Package rota holds the rules that choose who from the council attends a
// MAPPA meeting (S2, "Who attends"), and what a change of level or risk
// sets in motion. It is pure domain: no AWS, no net/http, no clock (the
// caller passes the meeting date). Every attendee carries the rule that
// chose them and a reason a business support officer can read.
//
// The rules, in order:
//
//   - Level 2: one service manager per individual attends every meeting;
//     level 3: one head of service. The same person for the same
//     individual every time (continuity) while they are on the rota and
//     available on the day (RuleContinuity).
//   - When the continuity person is on leave or otherwise unavailable, a
//     backup attends that meeting only (the person named as their backup
//     first, otherwise the least-loaded available person); continuity
//     stays with the first person and returns next time (RuleBackup).
//   - A new individual (or one whose person has left the rota) gets the
//     least-loaded available person: fewest individuals already assigned,
//     then rota position, then staff id (a deterministic tie-break).
//     Backups are chosen only when nobody else is available
//     (RuleLeastLoaded).
//   - The allocated social worker of each associated child open to
//     children's social care attends (RuleChildSocialWorker); when the
//     social worker cannot attend, their practice supervisor or team
//     manager does (RuleChildSupervisor).
//   - Level 1: the allocated social worker only (RuleLevel1SocialWorker).
//   - A business support officer may reassign any place with a reason
//     (RuleOverride); the override applies to that meeting only.
//   - Nobody available for a place: a Gap, shown on the meeting and told
//     to the business support officers.
package rota

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

// Rule names the rule that chose an attendee or left a place empty.
type Rule string

// The rules.
const (
	RuleContinuity         Rule = "ROTA-CONTINUITY"
	RuleBackup             Rule = "ROTA-BACKUP"
	RuleLeastLoaded        Rule = "ROTA-LEAST-LOADED"
	RuleChildSocialWorker  Rule = "ROTA-CHILD-SW"
	RuleChildSupervisor    Rule = "ROTA-CHILD-SUPERVISOR"
	RuleLevel1SocialWorker Rule = "ROTA-L1-SW"
	RuleOverride           Rule = "ROTA-OVERRIDE"
	RuleNobodyAvailable    Rule = "ROTA-NOBODY-AVAILABLE"
)

// Slot is a place at the meeting: "senior" (the service manager or head of
// service) or "child:<childId>" (the social worker for a child).
type Slot string

// SlotSenior is the service manager's or head of service's place.
const SlotSenior Slot = "senior"

// ChildSlot is the place of the worker for child id.
func ChildSlot(childID string) Slot { return Slot("child:" + childID) }

// Member is someone who may be chosen, with what the rules need to know.
type Member struct {
	StaffID  string
	Name     string
	Position int
	Active   bool
	Backup   bool
	// BackupFor is the person this member covers first.
	BackupFor string
	// Load is how many individuals this member is the continuity person
	// for at this level now.
	Load  int
	Leave []staff.Leave
}

func (m Member) availableOn(day civil.Date) (staff.Leave, bool) {
	l, away := staff.OnLeave(m.Leave, day)
	return l, !away
}

// Worker is a social worker or their supervisor, with their leave.
type Worker struct {
	StaffID string
	Name    string
	Leave   []staff.Leave
}

// Child is an associated child as the rules see them.
type Child struct {
	ID string
	// Label identifies the child in reasons without personal data
	// ("child 1"); the page shows the name beside it.
	Label        string
	OpenToCSC    bool
	SocialWorker *Worker
	// Supervisor is the social worker's practice supervisor or team
	// manager.
	Supervisor *Worker
}

// Override is a business support officer's reassignment of one place.
type Override struct {
	Slot    Slot   `json:"slot"`
	StaffID string `json:"staffId"`
	Name    string `json:"name,omitempty"`
	Reason  string `json:"reason"`
	By      string `json:"by"`
}

// Input is everything the rules need for one meeting.
type Input struct {
	CaseID string
	Level  int
	Date   civil.Date
	// Senior is the rota of the level's role (service managers at level 2,
	// heads of service at level 3), in any order.
	Senior []Member
	// Continuity is the staff id of the individual's continuity person at
	// this level ("" if none yet).
	Continuity string
	Children   []Child
	Overrides  []Override
}

// Attendee is someone chosen to attend, with the rule and the reason.
type Attendee struct {
	Slot    Slot       `json:"slot"`
	StaffID string     `json:"staffId"`
	Name    string     `json:"name,omitempty"`
	Role    staff.Role `json:"role"`
	Rule    Rule       `json:"rule"`
	Reason  string     `json:"reason"`
	// ChildIDs are the children this attendee is there for.
	ChildIDs []string `json:"childIds,omitempty"`
}

// Gap is a place nobody could fill.
type Gap struct {
	Slot   Slot   `json:"slot"`
	Rule   Rule   `json:"rule"`
	Reason string `json:"reason"`
}

// Outcome is the result of the rules for one meeting.
type Outcome struct {
	Attendees []Attendee `json:"attendees"`
	Gaps      []Gap      `json:"gaps"`
	// Continuity is the individual's continuity person at this level after
	// this meeting (unchanged when a backup covers).
	Continuity string `json:"continuity,omitempty"`
	// ContinuityChanged says Continuity is new (a new individual, or the
	// previous person left the rota).
	ContinuityChanged bool `json:"continuityChanged"`
}

// SeniorRole is the role that attends at level, or "" for level 1.
func SeniorRole(level int) staff.Role {
	switch level {
	case 2:
		return staff.RoleServiceMgr
	case 3:
		return staff.RoleHeadOfService
	}
	return ""
}

func roleWord(r staff.Role) string { return strings.ToLower(r.Label()) }

// Assign applies the rules to in.
func Assign(in Input) Outcome {
	out := Outcome{Attendees: []Attendee{}, Gaps: []Gap{}, Continuity: in.Continuity}
	overrides := map[Slot]Override{}
	for _, o := range in.Overrides {
		overrides[o.Slot] = o
	}
	if role := SeniorRole(in.Level); role != "" {
		a, gap, cont, changed := senior(in, role)
		if o, ok := overrides[SlotSenior]; ok {
			a, gap = overridden(o, role, SlotSenior), nil
		}
		if a != nil {
			out.Attendees = append(out.Attendees, *a)
		}
		if gap != nil {
			out.Gaps = append(out.Gaps, *gap)
		}
		out.Continuity, out.ContinuityChanged = cont, changed
	}
	for _, c := range in.Children {
		if !c.OpenToCSC {
			continue
		}
		slot := ChildSlot(c.ID)
		a, gap := childWorker(in, c)
		if o, ok := overrides[slot]; ok {
			a, gap = overridden(o, staff.RoleSocialWorker, slot), nil
			a.ChildIDs = []string{c.ID}
		}
		if gap != nil {
			out.Gaps = append(out.Gaps, *gap)
			continue
		}
		// One social worker for two children attends once.
		if i := slices.IndexFunc(out.Attendees, func(x Attendee) bool { return x.StaffID == a.StaffID }); i >= 0 {
			out.Attendees[i].ChildIDs = append(out.Attendees[i].ChildIDs, c.ID)
			out.Attendees[i].Reason += " Also for " + c.Label + "."
			continue
		}
		out.Attendees = append(out.Attendees, *a)
	}
	return out
}

func overridden(o Override, role staff.Role, slot Slot) *Attendee {
	return &Attendee{Slot: slot, StaffID: o.StaffID, Name: o.Name, Role: role, Rule: RuleOverride,
		Reason: "Reassigned by a business support officer: " + o.Reason}
}

func name(m Member) string { return cmp.Or(m.Name, m.StaffID) }

// senior chooses the service manager or head of service.
func senior(in Input, role staff.Role) (a *Attendee, gap *Gap, continuity string, changed bool) {
	byID := map[string]Member{}
	for _, m := range in.Senior {
		byID[m.StaffID] = m
	}
	word := roleWord(role)
	if in.Continuity != "" {
		cur, onRota := byID[in.Continuity]
		if onRota && cur.Active {
			leave, free := cur.availableOn(in.Date)
			if free {
				return &Attendee{Slot: SlotSenior, StaffID: cur.StaffID, Name: cur.Name, Role: role, Rule: RuleContinuity,
					Reason: fmt.Sprintf("%s is this individual's %s and attends every meeting while available (continuity).", name(cur), word)}, nil, cur.StaffID, false
			}
			// Backup for this meeting only; continuity stays.
			b, ok := pickBackup(in, cur)
			if !ok {
				return nil, &Gap{Slot: SlotSenior, Rule: RuleNobodyAvailable, Reason: fmt.Sprintf(
					"%s, this individual's %s, is unavailable on %s (%s to %s) and no other %s on the rota is available. A business support officer must arrange cover.",
					name(cur), word, in.Date, leave.From, leave.To, word)}, cur.StaffID, false
			}
			return &Attendee{Slot: SlotSenior, StaffID: b.StaffID, Name: b.Name, Role: role, Rule: RuleBackup, Reason: fmt.Sprintf(
				"%s, this individual's %s, is unavailable on %s (%s to %s), so %s covers this meeting only; continuity returns to %s next time.",
				name(cur), word, in.Date, leave.From, leave.To, name(b), name(cur))}, nil, cur.StaffID, false
		}
	}
	m, ok := leastLoaded(in, "")
	if !ok {
		return nil, &Gap{Slot: SlotSenior, Rule: RuleNobodyAvailable, Reason: fmt.Sprintf(
			"No %s on the rota is available on %s. A business support officer must arrange cover.", word, in.Date)}, in.Continuity, false
	}
	why := "new to this level"
	if in.Continuity != "" {
		why = "no longer has a " + word + " on the rota"
	}
	return &Attendee{Slot: SlotSenior, StaffID: m.StaffID, Name: m.Name, Role: role, Rule: RuleLeastLoaded, Reason: fmt.Sprintf(
		"This individual is %s, so the available %s with the fewest individuals (%d) was chosen: %s, who will attend every meeting from now on (ties go to rota order).",
		why, word, m.Load, name(m))}, nil, m.StaffID, true
}

// pickBackup returns the cover for cur: first the people named as cur's
// backup, then the least-loaded available person.
func pickBackup(in Input, cur Member) (Member, bool) {
	named := slices.Clone(in.Senior)
	slices.SortFunc(named, order)
	for _, m := range named {
		if m.Active && m.BackupFor == cur.StaffID {
			if _, free := m.availableOn(in.Date); free {
				return m, true
			}
		}
	}
	return leastLoaded(in, cur.StaffID)
}

// leastLoaded returns the available active member with the lowest load,
// preferring non-backups; ties by position then id.
func leastLoaded(in Input, exclude string) (Member, bool) {
	cands := slices.DeleteFunc(slices.Clone(in.Senior), func(m Member) bool {
		_, free := m.availableOn(in.Date)
		return !m.Active || !free || m.StaffID == exclude
	})
	if len(cands) == 0 {
		return Member{}, false
	}
	slices.SortFunc(cands, func(a, b Member) int {
		if a.Backup != b.Backup {
			if a.Backup {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Load, b.Load), order(a, b))
	})
	return cands[0], true
}

func order(a, b Member) int {
	return cmp.Or(cmp.Compare(a.Position, b.Position), strings.Compare(a.StaffID, b.StaffID))
}

func workerFree(w *Worker, day civil.Date) (staff.Leave, bool) {
	if w == nil || w.StaffID == "" {
		return staff.Leave{}, false
	}
	l, away := staff.OnLeave(w.Leave, day)
	return l, !away
}

func wname(w *Worker) string { return cmp.Or(w.Name, w.StaffID) }

// childWorker chooses the social worker, or their supervisor.
func childWorker(in Input, c Child) (*Attendee, *Gap) {
	slot := ChildSlot(c.ID)
	if in.Level <= 1 {
		if _, free := workerFree(c.SocialWorker, in.Date); free {
			return &Attendee{Slot: slot, StaffID: c.SocialWorker.StaffID, Name: c.SocialWorker.Name, Role: staff.RoleSocialWorker,
				Rule: RuleLevel1SocialWorker, ChildIDs: []string{c.ID}, Reason: fmt.Sprintf(
					"At level 1 only the allocated social worker of a child open to children's social care is invited: %s, for %s.", wname(c.SocialWorker), c.Label)}, nil
		}
		return nil, &Gap{Slot: slot, Rule: RuleNobodyAvailable, Reason: noWorker(c, in.Date, false)}
	}
	if _, free := workerFree(c.SocialWorker, in.Date); free {
		return &Attendee{Slot: slot, StaffID: c.SocialWorker.StaffID, Name: c.SocialWorker.Name, Role: staff.RoleSocialWorker,
			Rule: RuleChildSocialWorker, ChildIDs: []string{c.ID}, Reason: fmt.Sprintf(
				"%s is the allocated social worker of %s, who is open to children's social care, and attends supporting the %s.",
				wname(c.SocialWorker), c.Label, roleWord(SeniorRole(in.Level)))}, nil
	}
	if _, free := workerFree(c.Supervisor, in.Date); free {
		why := "has no allocated social worker"
		if c.SocialWorker != nil && c.SocialWorker.StaffID != "" {
			why = wname(c.SocialWorker) + ", the allocated social worker, cannot attend on " + in.Date.String()
		}
		return &Attendee{Slot: slot, StaffID: c.Supervisor.StaffID, Name: c.Supervisor.Name, Role: staff.RoleTeamManager,
			Rule: RuleChildSupervisor, ChildIDs: []string{c.ID}, Reason: fmt.Sprintf(
				"%s %s, so their practice supervisor or team manager, %s, attends.", c.Label, why, wname(c.Supervisor))}, nil
	}
	return nil, &Gap{Slot: slot, Rule: RuleNobodyAvailable, Reason: noWorker(c, in.Date, true)}
}

func noWorker(c Child, day civil.Date, supervisorToo bool) string {
	s := fmt.Sprintf("Nobody can attend for %s on %s: ", c.Label, day)
	if c.SocialWorker == nil || c.SocialWorker.StaffID == "" {
		s += "no allocated social worker is recorded"
	} else {
		s += wname(c.SocialWorker) + " is unavailable"
	}
	if supervisorToo {
		s += " and no practice supervisor or team manager is available"
	}
	return s + ". A business support officer must arrange cover, or a written report must be sent."
}

// Consequence is something a change of level or risk sets in motion.
type Consequence struct {
	Kind Kind `json:"kind"`
	// Role is who is told or who takes over.
	Role   staff.Role `json:"role"`
	Reason string     `json:"reason"`
}

// Kind is the kind of consequence.
type Kind string

// Kinds of consequence.
const (
	// NotifyServiceManager: the case moved from level 1 to 2 (S2: the SM
	// is told).
	NotifyServiceManager Kind = "notify-service-manager"
	// HandoverToHeadOfService: the case moved from 2 to 3; a task hands it
	// over from the service manager to a head of service.
	HandoverToHeadOfService Kind = "handover-to-head-of-service"
	// NotifyHeadOfService: the risk of serious harm rose (S2: the HoS is
	// told of significant rises in risk), or the case went straight to
	// level 3.
	NotifyHeadOfService Kind = "notify-head-of-service"
	// SuperviseNewCase: the case was accepted; its manager supervises it
	// within SupervisionWeeks (S0).
	SuperviseNewCase Kind = "supervise-new-case"
	// EmergencyRiskMeeting: the risk rose; the case's manager calls an
	// emergency internal risk meeting at once (S0).
	EmergencyRiskMeeting Kind = "emergency-risk-meeting"
)

// ManagerRole is who acts on a case's own work (supervision, internal
// risk meetings): the head of service at level 3, otherwise the service
// manager (S2: one SM per individual at level 2, one HoS at level 3; a
// level 1 or not yet levelled case has its SM too, product policy).
func ManagerRole(level int) staff.Role {
	if level == 3 {
		return staff.RoleHeadOfService
	}
	return staff.RoleServiceMgr
}

// CaseAccepted returns what a case's first acceptance sets in motion: its
// supervision by its manager, within supervisionWeeks (cadence policy,
// S0: 4 weeks of allocation; the product counts from the acceptance).
func CaseAccepted(level, supervisionWeeks int) []Consequence {
	return []Consequence{{Kind: SuperviseNewCase, Role: ManagerRole(level),
		Reason: fmt.Sprintf("A new case: its manager supervises it within %d weeks of its acceptance (S0).", supervisionWeeks)}}
}

// RiskRose returns what a rise in the risk of serious harm or in the
// traffic light calls for beyond telling the head of service: an
// emergency internal risk meeting, called at once by the case's manager
// (S0: "an emergency one when needed"; the product calls one on every
// rise). At most one for one change.
func RiskRose(level int, fromRisk, toRisk, fromRAG, toRAG string) []Consequence {
	var why []string
	if RiskRank(toRisk) > RiskRank(fromRisk) && RiskRank(fromRisk) > 0 {
		why = append(why, fmt.Sprintf("the risk of serious harm rose from %s to %s", fromRisk, toRisk))
	}
	if ragRank(toRAG) > ragRank(fromRAG) && ragRank(fromRAG) > 0 {
		why = append(why, fmt.Sprintf("the traffic light rose from %s to %s", strings.ToUpper(fromRAG), strings.ToUpper(toRAG)))
	}
	if len(why) == 0 {
		return nil
	}
	return []Consequence{{Kind: EmergencyRiskMeeting, Role: ManagerRole(level),
		Reason: "Call an emergency internal risk meeting now: " + strings.Join(why, " and ") + " (S0)."}}
}

// IRAMMRisk is the risk the monthly internal risk meeting goes by (S0:
// monthly for high and very high risk): the higher of the risk of serious
// harm and what the traffic light says (S0: AMBER is high risk, RED very
// high risk); "" when neither says anything.
func IRAMMRisk(rosh, rag string) risk.Level {
	r := risk.Level(rosh)
	if !r.Valid() {
		r = ""
	}
	var fromRAG risk.Level
	switch rag {
	case "amber":
		fromRAG = risk.High
	case "red":
		fromRAG = risk.VeryHigh
	}
	if fromRAG.Rank() > r.Rank() {
		return fromRAG
	}
	return r
}

// HighRisk reports whether a case calls for the monthly internal risk
// meeting: IRAMMRisk is high or very high.
func HighRisk(rosh, rag string) bool { return IRAMMRisk(rosh, rag).AtLeastHigh() }

// LevelChanged returns what a change from level from to level to sets in
// motion.
func LevelChanged(from, to int) []Consequence {
	switch {
	case from <= 1 && to == 2:
		return []Consequence{{Kind: NotifyServiceManager, Role: staff.RoleServiceMgr,
			Reason: "The case moved to level 2: the service manager is told, and one service manager attends every level 2 meeting for this individual."}}
	case from == 2 && to == 3:
		return []Consequence{{Kind: HandoverToHeadOfService, Role: staff.RoleHeadOfService,
			Reason: "The case moved from level 2 to level 3: the service manager hands over to a head of service, who attends every level 3 meeting for this individual."}}
	case from <= 1 && to == 3:
		return []Consequence{{Kind: NotifyHeadOfService, Role: staff.RoleHeadOfService,
			Reason: "The case moved to level 3: a head of service is told, and attends every level 3 meeting for this individual."}}
	}
	return nil
}

// RiskRank orders the risk of serious harm (low 1 to very high 4; 0 not
// assessed).
func RiskRank(level string) int {
	switch level {
	case "low":
		return 1
	case "medium":
		return 2
	case "high":
		return 3
	case "very-high", "very high", "veryHigh":
		return 4
	}
	return 0
}

// RiskChanged returns what a change of the risk of serious harm sets in
// motion: a rise tells the head of service.
func RiskChanged(from, to string) []Consequence {
	if RiskRank(to) > RiskRank(from) && RiskRank(from) > 0 {
		return []Consequence{{Kind: NotifyHeadOfService, Role: staff.RoleHeadOfService, Reason: fmt.Sprintf(
			"The risk of serious harm rose from %s to %s: the head of service is told (S2).", from, to)}}
	}
	return nil
}

// ragRank orders the traffic light (green 1 to red 3; 0 not set).
func ragRank(rag string) int {
	switch rag {
	case "green":
		return 1
	case "amber":
		return 2
	case "red":
		return 3
	}
	return 0
}

// RAGChanged returns what a change of the case's traffic light sets in
// motion: a rise (green to amber or red, amber to red: a higher risk, S0)
// tells the head of service, as a rise in the risk of serious harm does.
func RAGChanged(from, to string) []Consequence {
	if ragRank(to) > ragRank(from) && ragRank(from) > 0 {
		return []Consequence{{Kind: NotifyHeadOfService, Role: staff.RoleHeadOfService, Reason: fmt.Sprintf(
			"The traffic light rose from %s to %s: the head of service is told of the rise in risk (S2).", strings.ToUpper(from), strings.ToUpper(to))}}
	}
	return nil
}
