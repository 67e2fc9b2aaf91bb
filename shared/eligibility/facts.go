package eligibility

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/risk"
)

// Facts are what the eligibility rules need to know about a person. It is
// the body of POST /v1/eligibility and the "facts" member of a referral.
// Every member is optional in JSON; what a rule needs and does not get is
// reported as missing, never assumed.
type Facts struct {
	// DateOfBirth decides ages on the dates of convictions and cautions
	// (notification periods are halved under 18).
	DateOfBirth civil.Date `json:"dateOfBirth,omitzero"`
	// AgeAtConviction is used when the date of birth is not known: the age
	// on the date of the conviction, finding or caution of every offence
	// listed. The date of birth wins when both are given.
	AgeAtConviction *int `json:"ageAtConviction,omitempty"`
	// Offences are the index offence(s) and any earlier ones that matter:
	// each conviction, caution or finding.
	Offences []Offence `json:"offences,omitempty"`
	// Sentence is the sentence or order for the convictions and findings
	// listed (a caution has none).
	Sentence *Sentence `json:"sentence,omitempty"`
	// Dates are the sentence's key dates.
	Dates Dates `json:"dates,omitzero"`
	// Notification is the Sexual Offences Act 2003 Part 2 notification
	// requirement ("the register").
	Notification Notification `json:"notification,omitzero"`
	// Terrorism holds the facts for Category 4.
	Terrorism Terrorism `json:"terrorism,omitzero"`
	// DisqualifiedFromWorkingWithChildren is recorded for completeness. It
	// has not been a route into MAPPA since December 2012.
	DisqualifiedFromWorkingWithChildren bool `json:"disqualifiedFromWorkingWithChildren,omitempty"`
	// Category3 holds the responsible authority's judgements for Category
	// 3. Leave it out when the RA has not raised Category 3.
	Category3 *Category3Judgements `json:"category3,omitempty"`
	// CurrentRisk is the highest current risk of serious harm (OASys).
	CurrentRisk risk.Level `json:"currentRisk,omitempty"`
	// Management holds the facts that decide the level.
	Management Management `json:"management,omitzero"`
	// ContactWithChildren: the person has contact with children (lives
	// with, looks after, or has access to them). With a not-eligible
	// answer it names the Persons Posing a Risk to Children route (S4).
	ContactWithChildren Answer `json:"contactWithChildren,omitempty"`
	// PreviousManagement is an earlier period of MAPPA management, which
	// S3 names as a route into Category 3 once statutory requirements have
	// ended.
	PreviousManagement *PreviousManagement `json:"previousManagement,omitempty"`
}

// PreviousManagement is an earlier period of MAPPA management.
type PreviousManagement struct {
	Category Category `json:"category"`
	// Level is the level of management then (1-3), 0 if not known.
	Level Level `json:"level,omitempty"`
	// Ended is when that management ended (absent if it has not).
	Ended civil.Date `json:"ended,omitzero"`
}

// Offence is one conviction, caution or finding.
type Offence struct {
	// Code is the offence's code in the product's offence list (GET the
	// list from eligibility.Offences), e.g. "OAPA1861-S18".
	Code string `json:"code,omitempty"`
	// Statute is the statute reference, e.g. "Offences against the Person
	// Act 1861 s.18". Used when Code is not given.
	Statute string `json:"statute,omitempty"`
	// Description is the offence in words, e.g. "Wounding with intent".
	Description string `json:"description,omitempty"`
	// Inchoate says the offence was an attempt, conspiracy, encouraging or
	// assisting, or aiding and abetting, rather than the full offence.
	Inchoate Inchoate `json:"inchoate,omitempty"`
	// Disposal is how the offence was dealt with.
	Disposal Disposal `json:"disposal"`
	// Date is the date of the conviction, finding or caution.
	Date civil.Date `json:"date,omitzero"`
	// OutsideEnglandAndWales is true for a conviction or caution elsewhere
	// (it counts for Categories 3 and 4, not 2). Where says where.
	OutsideEnglandAndWales bool `json:"outsideEnglandAndWales,omitempty"`
	// Where is where the conviction, finding or caution was: England and
	// Wales (the default), Scotland, Northern Ireland or elsewhere.
	Where Jurisdiction `json:"where,omitempty"`
	// Country is the country of a conviction or caution elsewhere. A
	// conviction abroad needs only its description and country.
	Country string `json:"country,omitempty"`
	// Sentence is the sentence for this offence when the offences were
	// sentenced differently; without it, the facts' sentence applies.
	Sentence *Sentence `json:"sentence,omitempty"`
	// VictimUnder18: the offence was committed against a child (under 18).
	// CJA 2003 s.327(4A)(b) and (c) turn on it.
	VictimUnder18 Answer `json:"victimUnder18,omitempty"`
	// SubjectOn1September1997: for a conviction or finding before 1
	// September 1997, whether at the start of that day the person had not
	// yet been dealt with, was serving the sentence or subject to a
	// community order, was under supervision after release, or was
	// detained in hospital or under guardianship for it (SOA 2003
	// s.81(3)-(4)).
	SubjectOn1September1997 Answer `json:"subjectOn1September1997,omitempty"`
}

// Sentence is the sentence or order made for the convictions or findings.
type Sentence struct {
	Type SentenceType `json:"type"`
	// The length of the term (custodial term of an extended sentence; the
	// order's length for a conditional discharge or community order). The
	// parts add up: 1 year 6 weeks is lengthMonths 12 and lengthWeeks 6.
	// For a life sentence a length is the minimum term and is not used.
	LengthMonths *int `json:"lengthMonths,omitempty"`
	LengthWeeks  *int `json:"lengthWeeks,omitempty"`
	LengthDays   *int `json:"lengthDays,omitempty"`
	// ExtensionMonths is the extension period of an extended sentence (the
	// further period on licence). The term of an extended sentence is the
	// custodial term and the extension period together (Sentencing Act 2020
	// ss.254, 266 and 279), and that whole term is what the notification
	// thresholds of SOA 2003 s.82 are compared with.
	ExtensionMonths *int `json:"extensionMonths,omitempty"`
	// Suspended is true for a suspended sentence order.
	Suspended bool `json:"suspended,omitempty"`
	// Life is true for a life sentence (imprisonment or s.250 detention for
	// life). Custody for life and detention at His Majesty's pleasure are
	// life sentences whatever this says.
	Life bool `json:"life,omitempty"`
	// RestrictionOrder is true when a hospital order was made with a
	// restriction order (Mental Health Act 1983 s.41).
	RestrictionOrder bool `json:"restrictionOrder,omitempty"`
	// Runs says how an offence's own sentence runs with the others passed
	// on the same occasion: concurrent or consecutive.
	Runs Runs `json:"runs,omitempty"`
	// Date is the date of an offence's own sentence (the facts' dates
	// give the sentence date otherwise).
	Date civil.Date `json:"date,omitzero"`
}

// Runs is how a sentence runs with others: concurrent or consecutive.
type Runs string

// The ways sentences run.
const (
	Concurrent  Runs = "concurrent"
	Consecutive Runs = "consecutive"
)

// RunsValues lists every way a sentence runs.
var RunsValues = []Runs{Concurrent, Consecutive}

var runsEnum = enum[Runs](RunsValues)

// Valid reports whether r is empty or known.
func (r Runs) Valid() bool { return r == "" || runsEnum.valid(r) }

// UnmarshalJSON accepts only concurrent or consecutive.
func (r *Runs) UnmarshalJSON(b []byte) error { return runsEnum.unmarshal(b, r) }

// Jurisdiction is where a conviction, finding or caution was.
type Jurisdiction string

// The jurisdictions.
const (
	EnglandAndWales Jurisdiction = "england-and-wales"
	Scotland        Jurisdiction = "scotland"
	NorthernIreland Jurisdiction = "northern-ireland"
	Elsewhere       Jurisdiction = "elsewhere"
)

// Jurisdictions lists every jurisdiction.
var Jurisdictions = []Jurisdiction{EnglandAndWales, Scotland, NorthernIreland, Elsewhere}

var jurisdictions = enum[Jurisdiction](Jurisdictions)

// Valid reports whether j is empty or known.
func (j Jurisdiction) Valid() bool { return j == "" || jurisdictions.valid(j) }

// UnmarshalJSON accepts only the known jurisdictions.
func (j *Jurisdiction) UnmarshalJSON(b []byte) error { return jurisdictions.unmarshal(b, j) }

// place is where offence o was dealt with: its Where, else England and
// Wales unless OutsideEnglandAndWales says otherwise (then "" : outside,
// place not given).
func (o Offence) place() Jurisdiction {
	switch {
	case o.Where != "":
		return o.Where
	case o.OutsideEnglandAndWales:
		return ""
	}
	return EnglandAndWales
}

// inEnglandAndWales reports a conviction, finding or caution in England
// and Wales.
func (o Offence) inEnglandAndWales() bool { return o.place() == EnglandAndWales }

// Dates are the key dates of the sentence.
type Dates struct {
	SentenceDate          civil.Date `json:"sentenceDate,omitzero"`
	ReleaseDate           civil.Date `json:"releaseDate,omitzero"`
	ParoleEligibilityDate civil.Date `json:"paroleEligibilityDate,omitzero"`
	LicenceEndDate        civil.Date `json:"licenceEndDate,omitzero"`
	// OrderEndDate is when a hospital, guardianship, suspended sentence,
	// detention and training or community order ends.
	OrderEndDate civil.Date `json:"orderEndDate,omitzero"`
}

// Notification is the Sexual Offences Act 2003 Part 2 notification
// requirement. Status says whether the person is, or was, made subject to
// it; the end date says whether it still runs.
type Notification struct {
	Status Answer `json:"status,omitempty"`
	// EndDate is the last day of the notification period as the police give
	// it. It is preferred to the product's own computation.
	EndDate civil.Date `json:"endDate,omitzero"`
	// Indefinite is true when the police say the period is indefinite.
	Indefinite bool `json:"indefinite,omitempty"`
}

// Terrorism holds the facts for Category 4.
type Terrorism struct {
	// CTANotification: subject to the Counter-Terrorism Act 2008 Part 4
	// notification requirements.
	CTANotification Answer `json:"ctaNotification,omitempty"`
	// CTANotificationEndDate is when that notification ends, as the police
	// give it.
	CTANotificationEndDate civil.Date `json:"ctaNotificationEndDate,omitzero"`
	// TerrorismOffence: convicted of a relevant terrorist offence (CJA 2003
	// s.327(4F): an offence in Schedule 19ZA Parts 1-2, or a service
	// offence corresponding to one). Offences the list marks as terrorism
	// offences count without it.
	TerrorismOffence bool `json:"terrorismOffence,omitempty"`
	// TerroristConnection: the court found the offence had a terrorist
	// connection (CJA 2003 s.327(4G): Sentencing Act 2020 s.69, or CTA
	// 2008 ss.30-32 before it).
	TerroristConnection bool `json:"terroristConnection,omitempty"`
	// RAConsidersAtRisk: the responsible authority considers the person at
	// risk of involvement in terrorism-related activity. Leave it out when
	// the RA has not raised it.
	RAConsidersAtRisk Judgement `json:"raConsidersAtRisk,omitempty"`
}

// Category3Judgements are the responsible authority's judgements that make
// a person Category 3 (CJA 2003 s.325(2)(b)). A member left out is "not yet
// recorded".
type Category3Judgements struct {
	// SeriousHarmCapability: the guidance's "capability" test, that the
	// offending shows the person can cause serious harm. Recorded when
	// given; it is part of the RA's judgement and never holds the answer.
	SeriousHarmCapability Judgement `json:"seriousHarmCapability,omitempty"`
	// LinkToCurrentRisk: the guidance's "link" test, that the offending
	// links to the current risk. Recorded when given, as above.
	LinkToCurrentRisk Judgement `json:"linkToCurrentRisk,omitempty"`
	// CurrentRiskOfSeriousHarm: the RA considers that, by reason of the
	// offences they committed (wherever committed), the person may cause
	// serious harm to the public (CJA 2003 s.325(2)(b)).
	CurrentRiskOfSeriousHarm Judgement `json:"currentRiskOfSeriousHarm,omitempty"`
	// NeedsLevel2Or3Management: that risk needs active multi-agency
	// management at level 2 or 3.
	NeedsLevel2Or3Management Judgement `json:"needsLevel2Or3Management,omitempty"`
}

// Management holds the facts that decide the suggested level.
type Management struct {
	// MeetingsAddValue: multi-agency meetings would add value to the
	// management of the risk.
	MeetingsAddValue Judgement `json:"meetingsAddValue,omitempty"`
	// ExceptionalCoordination: the risk is lower than high but still needs
	// the active involvement and co-ordination of several agencies.
	ExceptionalCoordination bool `json:"exceptionalCoordination,omitempty"`
	// SteppingDownFromLevel3: the person is moving down from level 3.
	SteppingDownFromLevel3 bool `json:"steppingDownFromLevel3,omitempty"`
	// SeniorRepresentation: senior representation is needed to commit
	// resources or direct the plan.
	SeniorRepresentation bool `json:"seniorRepresentation,omitempty"`
	// SignificantResources: significant resources may be needed at short
	// notice.
	SignificantResources bool `json:"significantResources,omitempty"`
	// MediaScrutiny: there is, or may be, media scrutiny or public interest.
	MediaScrutiny bool `json:"mediaScrutiny,omitempty"`
}

// enum is a closed set of JSON string values.
type enum[T ~string] []T

func (e enum[T]) valid(v T) bool { return slices.Contains(e, v) }

func (e enum[T]) err() error {
	names := make([]string, len(e))
	for i, v := range e {
		names[i] = string(v)
	}
	return errors.New("must be one of: " + strings.Join(names, ", "))
}

func (e enum[T]) unmarshal(b []byte, into *T) error {
	if string(b) == "null" {
		*into = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil || !e.valid(T(s)) {
		return e.err()
	}
	*into = T(s)
	return nil
}

// Disposal is how an offence was dealt with.
type Disposal string

// The disposals.
const (
	Conviction        Disposal = "conviction"
	Caution           Disposal = "caution"
	NotGuiltyInsanity Disposal = "not-guilty-insanity"
	// UnfitDidTheAct: found under a disability (unfit to plead) and to have
	// done the act charged.
	UnfitDidTheAct Disposal = "unfit-to-plead-did-the-act"
)

// Disposals lists every disposal.
var Disposals = []Disposal{Conviction, Caution, NotGuiltyInsanity, UnfitDidTheAct}

var disposals = enum[Disposal](Disposals)

// Valid reports whether d is a known disposal.
func (d Disposal) Valid() bool { return disposals.valid(d) }

// IsFinding reports a finding of not guilty by reason of insanity or of
// having done the act while unfit to plead.
func (d Disposal) IsFinding() bool { return d == NotGuiltyInsanity || d == UnfitDidTheAct }

// UnmarshalJSON accepts only the known disposals.
func (d *Disposal) UnmarshalJSON(b []byte) error { return disposals.unmarshal(b, d) }

// Inchoate is the form of a secondary or incomplete offence.
type Inchoate string

// The inchoate forms.
const (
	Attempt              Inchoate = "attempt"
	Conspiracy           Inchoate = "conspiracy"
	EncouragingAssisting Inchoate = "encouraging-or-assisting"
	AidingAbetting       Inchoate = "aiding-abetting"
)

// Inchoates lists every inchoate form.
var Inchoates = []Inchoate{Attempt, Conspiracy, EncouragingAssisting, AidingAbetting}

var inchoates = enum[Inchoate](Inchoates)

// Valid reports whether i is empty (the full offence) or a known form.
func (i Inchoate) Valid() bool { return i == "" || inchoates.valid(i) }

// UnmarshalJSON accepts only the known forms.
func (i *Inchoate) UnmarshalJSON(b []byte) error { return inchoates.unmarshal(b, i) }

// SentenceType is the kind of sentence or order.
type SentenceType string

// The sentence types.
const (
	Imprisonment SentenceType = "imprisonment"
	// YOIDetention is detention in a young offender institution (18-20).
	YOIDetention SentenceType = "yoi-detention"
	// HMPDetention is detention at His Majesty's pleasure (murder under 18).
	HMPDetention SentenceType = "hmp-detention"
	// SeriousOffenceDetention is detention of a young person for a serious
	// offence (Sentencing Act 2020 s.250, formerly PCC(S)A 2000 s.91).
	SeriousOffenceDetention SentenceType = "s250-detention"
	CustodyForLife          SentenceType = "custody-for-life"
	// Extended is an extended sentence of imprisonment or detention; the
	// length is the custodial term and extensionMonths the extension period.
	Extended SentenceType = "extended"
	// PublicProtection is imprisonment or detention for public protection
	// (IPP/DPP; abolished for new cases in 2012).
	PublicProtection SentenceType = "ipp"
	DTO              SentenceType = "dto"
	HospitalOrder    SentenceType = "hospital-order"
	// LifelongRestriction is an order for lifelong restriction (Criminal
	// Procedure (Scotland) Act 1995 s.210F).
	LifelongRestriction SentenceType = "order-for-lifelong-restriction"
	// IndeterminateCustodial is an indeterminate custodial sentence
	// (Criminal Justice (Northern Ireland) Order 2008 art.13).
	IndeterminateCustodial SentenceType = "indeterminate-custodial"
	// JuvenileJusticeCentre is a juvenile justice centre order (Criminal
	// Justice (Children) (Northern Ireland) Order 1998 art.39).
	JuvenileJusticeCentre SentenceType = "juvenile-justice-centre-order"
	GuardianshipOrder     SentenceType = "guardianship-order"
	CommunityOrder        SentenceType = "community-order"
	YouthRehabOrder       SentenceType = "youth-rehabilitation-order"
	ReferralOrder         SentenceType = "referral-order"
	Fine                  SentenceType = "fine"
	AbsoluteDischarge     SentenceType = "absolute-discharge"
	ConditionalDischarge  SentenceType = "conditional-discharge"
)

// SentenceTypes lists every sentence type.
var SentenceTypes = []SentenceType{Imprisonment, YOIDetention, HMPDetention, SeriousOffenceDetention,
	CustodyForLife, Extended, PublicProtection, DTO, HospitalOrder, GuardianshipOrder, CommunityOrder,
	YouthRehabOrder, ReferralOrder, Fine, AbsoluteDischarge, ConditionalDischarge,
	LifelongRestriction, IndeterminateCustodial, JuvenileJusticeCentre}

var sentenceTypes = enum[SentenceType](SentenceTypes)

// Valid reports whether t is a known sentence type.
func (t SentenceType) Valid() bool { return sentenceTypes.valid(t) }

// UnmarshalJSON accepts only the known types.
func (t *SentenceType) UnmarshalJSON(b []byte) error { return sentenceTypes.unmarshal(b, t) }

// Answer is yes, no or unknown; the zero value is unknown.
type Answer string

// The answers.
const (
	Yes     Answer = "yes"
	No      Answer = "no"
	Unknown Answer = "unknown"
)

// Answers lists every answer.
var Answers = []Answer{Yes, No, Unknown}

var answers = enum[Answer](Answers)

// Valid reports whether a is empty or a known answer.
func (a Answer) Valid() bool { return a == "" || answers.valid(a) }

// UnmarshalJSON accepts only yes, no or unknown.
func (a *Answer) UnmarshalJSON(b []byte) error { return answers.unmarshal(b, a) }

// Judgement is a responsible authority's judgement: yes, no, or not yet
// recorded (the zero value).
type Judgement string

// The judgements.
const (
	JudgedYes      Judgement = "yes"
	JudgedNo       Judgement = "no"
	NotYetRecorded Judgement = "not-yet-recorded"
)

// Judgements lists every judgement.
var Judgements = []Judgement{JudgedYes, JudgedNo, NotYetRecorded}

var judgements = enum[Judgement](Judgements)

// Valid reports whether j is empty or a known judgement.
func (j Judgement) Valid() bool { return j == "" || judgements.valid(j) }

// Recorded reports whether the judgement is yes or no.
func (j Judgement) Recorded() bool { return j == JudgedYes || j == JudgedNo }

// UnmarshalJSON accepts only yes, no or not-yet-recorded.
func (j *Judgement) UnmarshalJSON(b []byte) error { return judgements.unmarshal(b, j) }
