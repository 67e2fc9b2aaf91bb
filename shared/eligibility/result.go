package eligibility

import (
	"github.com/mappa-coordinator/mappa/shared/civil"
)

// Outcome is the answer to "is this person a MAPPA offender?".
type Outcome string

// The outcomes.
const (
	Eligible    Outcome = "eligible"
	NotEligible Outcome = "not-eligible"
	// CannotDecide means a fact the rules need is missing; Result.Missing
	// lists them.
	CannotDecide Outcome = "cannot-decide"
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{Eligible, NotEligible, CannotDecide}

// EndKind says how a category ends.
type EndKind string

// The ways a category ends.
const (
	// EndsOn: on a known date (End.Date, inclusive).
	EndsOn EndKind = "date"
	// Indefinite: no end (indefinite notification, a life licence).
	Indefinite EndKind = "indefinite"
	// WhileLicence: when the licence ends; the date was not given.
	WhileLicence EndKind = "while-licence"
	// WhileOrder: when the hospital, guardianship or other order ends.
	WhileOrder EndKind = "while-order"
	// WhileNotification: when the notification period ends; the date is
	// not known.
	WhileNotification EndKind = "while-notification"
	// RADecides: when the responsible authority decides (Categories 3, 4).
	RADecides EndKind = "ra-decides"
)

// EndKinds lists every kind of end.
var EndKinds = []EndKind{EndsOn, Indefinite, WhileLicence, WhileOrder, WhileNotification, RADecides}

// EndSource says where an end date came from.
type EndSource string

// The sources of end dates.
const (
	// FromPolice: the police gave it (notification end dates).
	FromPolice EndSource = "police"
	// Computed: the product worked it out (notification periods).
	Computed EndSource = "computed"
	// FromFacts: a date given in the facts (licence or order end).
	FromFacts EndSource = "facts"
)

// EndSources lists every source of an end date.
var EndSources = []EndSource{FromPolice, Computed, FromFacts}

// End is when a category stops applying.
type End struct {
	Kind EndKind `json:"kind"`
	// Date is the last day the category applies, for Kind "date".
	Date   civil.Date `json:"date,omitzero"`
	Source EndSource  `json:"source,omitempty"`
}

// Basis is one way the person qualifies, with its own end.
type Basis struct {
	Category     Category     `json:"category"`
	CategoryCode CategoryCode `json:"categoryCode"`
	// Rule is the rule that found it.
	Rule  string `json:"rule"`
	Until End    `json:"until"`
	// Pointer is the fact it rests on, e.g. "/offences/0".
	Pointer string `json:"pointer,omitempty"`
}

// Missing is a fact the rules needed and did not have.
type Missing struct {
	// Pointer is the JSON pointer of the field that would supply it.
	Pointer string `json:"pointer"`
	// Fact says what is needed, in words.
	Fact string `json:"fact"`
}

// Result is the explained answer of Classify.
type Result struct {
	Outcome Outcome `json:"outcome"`
	// PrimaryCategory is 1-4, or 0 when not eligible or undecided.
	PrimaryCategory Category `json:"primaryCategory"`
	// CategoryCode is the nDelius code of the primary category, X9 when not
	// eligible, and empty when the engine cannot decide.
	CategoryCode CategoryCode `json:"categoryCode,omitempty"`
	// Bases lists every category that applies today, primary first.
	Bases []Basis `json:"bases"`
	// EligibleUntil is when the last basis ends (absent if not eligible).
	EligibleUntil *End `json:"eligibleUntil,omitempty"`
	// Missing lists the facts that would decide the outcome (cannot-decide)
	// or could change the category or its end (eligible).
	Missing []Missing `json:"missing"`
	// Reasons explain the answer, the outcome first.
	Reasons []Reason `json:"reasons"`
	// NeedsHumanDecision is true where the rules leave the decision to a
	// person (both Category 2 and 4, for example); the reasons say why.
	NeedsHumanDecision bool `json:"needsHumanDecision"`
	// DecidedOn is the date the answer was worked out on (today in
	// Europe/London).
	DecidedOn civil.Date `json:"decidedOn"`
	// AsOf is the date the answer is for: the law and the facts as they
	// stood that day (DecidedOn unless a past or future date was asked).
	AsOf civil.Date `json:"asOf"`
	// FollowUps are what someone must do next whatever the category: for
	// a person who is not a MAPPA offender but may pose a risk to
	// children, consider child protection procedures (S4).
	FollowUps []FollowUp `json:"followUps,omitempty"`
	// OffenceListVersion is the version of the offence list used.
	OffenceListVersion string `json:"offenceListVersion"`
}

// Has reports whether category c is among the bases.
func (r Result) Has(c Category) bool {
	for _, b := range r.Bases {
		if b.Category == c {
			return true
		}
	}
	return false
}

// HasRule reports whether a reason cites rule id.
func (r Result) HasRule(id string) bool {
	for _, x := range r.Reasons {
		if x.Rule == id {
			return true
		}
	}
	return false
}

// FollowUpKind is the kind of follow-up an answer asks for.
type FollowUpKind string

// The follow-ups.
const (
	// ConsiderChildProtection: the person is not a MAPPA offender but a
	// Schedule 15 offence, an offence against a child or contact with
	// children is recorded: the front door considers child protection
	// procedures (the Persons Posing a Risk to Children route, S4).
	ConsiderChildProtection FollowUpKind = "consider-child-protection"
)

// FollowUpKinds lists every kind of follow-up.
var FollowUpKinds = []FollowUpKind{ConsiderChildProtection}

// FollowUp is something a person must do next, with why.
type FollowUp struct {
	Kind FollowUpKind `json:"kind"`
	// Route names the procedure ("Persons Posing a Risk to Children").
	Route string `json:"route"`
	// Who should act ("the front door").
	Who string `json:"who"`
	// Why in a plain sentence, naming what was recorded.
	Why string `json:"why"`
}
