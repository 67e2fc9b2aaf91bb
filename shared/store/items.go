package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/register"
	"github.com/mappa-coordinator/mappa/shared/retention"
	"github.com/mappa-coordinator/mappa/shared/risk"
)

// stamp is the one fixed-width UTC time used in keys and attributes
// (dynamo.StampLayout).
func stamp(t time.Time) string { return dynamo.Stamp(t) }

func parseStamp(s string) time.Time {
	t, err := dynamo.ParseStamp(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Item type names (the "type" attribute). The classify stream filter
// matches type "referral".
const (
	typeReferral       = "referral"
	typeReferralBody   = "referral-body"
	typeClassification = "classification"
	typeDecision       = "decision"
	typeIdempotency    = "idempotency"
	typeCase           = "case"
	// typeCaseClassification is the case's latest classification, kept
	// out of the case item so a level or traffic-light change does not
	// rewrite it.
	typeCaseClassification = "case-classification"
	typeCaseReferral       = "case-referral"
	typeLevelChange        = "level-change"
	typeRAGChange          = "rag-change"
	typeClaim              = "identifier-claim"
	typeNameKey            = "name-key"
)

// Case statuses.
const (
	CaseOpen   = "open"
	CaseMerged = "merged"
	// CaseClosed: closed by a person; its records expire after the
	// retention period unless held (shared/retention).
	CaseClosed = "closed"
)

// ExpiresAttr is the time-to-live attribute of the cases, referrals and
// meetings tables (template.yaml TimeToLiveSpecification): epoch seconds.
const ExpiresAttr = "expiresAt"

// ---- keys (typed constructors: one per item type)

func referralKey(id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("REFERRAL#" + id), SK: "REFERRAL"}
}

func referralBodyKey(id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("REFERRAL#" + id), SK: "REFERRAL#BODY"}
}

func referralClassificationKey(id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("REFERRAL#" + id), SK: "REFERRAL#CLASSIFICATION"}
}

func decisionKey(referralID string, at time.Time, id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("REFERRAL#" + referralID), SK: dynamo.SK("DECISION#" + stamp(at) + "#" + id)}
}

func idempotencyKey(scope, key string) dynamo.Key {
	sum := sha256.Sum256([]byte(key))
	return dynamo.Key{PK: dynamo.PK("IDEMPOTENCY#" + scope + "#" + hex.EncodeToString(sum[:])), SK: "IDEMPOTENCY"}
}

func caseKey(id string) dynamo.Key { return dynamo.Key{PK: dynamo.PK("CASE#" + id), SK: "CASE"} }

// caseClassificationKey sorts right after the case item ("CASE" is its
// prefix), so one Query with begins_with(sk, "CASE") reads both.
func caseClassificationKey(id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CASE#" + id), SK: "CASE#CLASSIFICATION"}
}

func caseReferralKey(caseID string, receivedAt time.Time, referralID string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: dynamo.SK("REFERRAL#" + stamp(receivedAt) + "#" + referralID)}
}

func levelKey(caseID string, at time.Time, id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: dynamo.SK("LEVEL#" + stamp(at) + "#" + id)}
}

func ragKey(caseID string, at time.Time, id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: dynamo.SK("RAG#" + stamp(at) + "#" + id)}
}

func ragItem(caseID string, c referral.RAGChange) item {
	return withKey(ragKey(caseID, c.At, c.ID), item{
		"type":     dynamo.S(typeRAGChange),
		"id":       dynamo.S(c.ID),
		"caseId":   dynamo.S(caseID),
		"rag":      dynamo.S(string(c.RAG)),
		"previous": dynamo.S(string(c.Previous)),
		"reason":   dynamo.S(c.Reason),
		"actor":    dynamo.S(c.Actor),
		"at":       dynamo.S(stamp(c.At)),
	})
}

func ragFrom(it item) referral.RAGChange {
	return referral.RAGChange{
		ID: str(it, "id"), RAG: referral.RAG(str(it, "rag")), Previous: referral.RAG(str(it, "previous")),
		Reason: str(it, "reason"), Actor: str(it, "actor"), At: parseStamp(str(it, "at")),
	}
}

func claimKey(id referral.Identifier) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("IDENT#" + string(id.Kind) + "#" + id.Value), SK: "IDENT"}
}

func nameIndexKey(nameKey, caseID string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("NAMEKEY#" + nameKey), SK: dynamo.SK("CASE#" + caseID)}
}

// ---- records

// Referral is a stored referral.
type Referral struct {
	ID string
	// Agency is the idempotency scope and the only agency that may read the
	// referral's status: the posting agency's id, or for staff entry the
	// referring agency's type.
	Agency string
	// Source is "agency" (posted by an agency client) or "staff" (entered
	// by a business support officer).
	Source    string
	CreatedBy string // actor id
	Status    referral.Status
	Version   int
	CaseID    string
	Body      referral.Referral
	BodyHash  string
	// PossibleMatches lists cases that may be the same person.
	PossibleMatches []string
	MatchState      referral.MatchState
	// Classification is the classifier's answer, nil before.
	Classification *referral.Classification
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// SuggestedLevel is the classification's suggested level (0 before).
func (r Referral) SuggestedLevel() int {
	if r.Classification == nil {
		return 0
	}
	return r.Classification.SuggestedLevel()
}

// Case is a stored case: one person the council manages under MAPPA.
type Case struct {
	ID         string
	Status     string // CaseOpen or CaseMerged
	MergedInto string
	// Person is the person as the first referral described them.
	Person         referral.Person
	CRNs           []string
	PNCs           []string
	CouncilNumbers []string
	NameKeys       []string
	// Level is the confirmed level of management, 0 until someone sets it.
	Level int
	// RAG is the traffic light staff set ("" until someone does).
	RAG referral.RAG
	// Risk is the highest risk of serious harm in the case's latest
	// referral ("" when it gave none). Written in the referral's
	// transaction, so the cases stream carries a rise to the rota
	// (the head of service is told).
	Risk risk.Level
	// Classification is the latest classification of the case's
	// referrals, nil before the first.
	Classification *referral.Classification
	// AcceptedAt is when a business support officer first accepted one of
	// the case's referrals (zero until then): the case is the council's
	// from then on, and its supervision falls due 4 weeks later (S0). It
	// is written once, in the accepting decision's transaction, so the
	// cases stream carries it to the rota.
	AcceptedAt time.Time
	// Review is what the register needs of the case's meetings (the next
	// booked, the last held), kept by the rota stream as meetings change.
	Review register.Review
	// Retention is the case's closure, hold and expiry (shared/retention).
	Retention retention.State
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SuggestedLevel is the latest classification's suggested level (0 before).
func (c Case) SuggestedLevel() int {
	if c.Classification == nil {
		return 0
	}
	return c.Classification.SuggestedLevel()
}

// Category is the MAPPA category of the latest classification (1-4; 0 when
// not eligible, undecided or not classified).
func (c Case) Category() int {
	if c.Classification == nil || c.Classification.Result.Outcome != eligibility.Eligible {
		return 0
	}
	return int(c.Classification.Result.PrimaryCategory)
}

// RegisterEntry is the case as the risk register shows it.
func (c Case) RegisterEntry() register.Entry {
	next, basis := register.NextReview(c.Level, c.Review, nil)
	return register.Entry{
		CaseID: c.ID, GivenNames: c.Person.GivenNames, FamilyName: c.Person.FamilyName,
		Light: register.Light(string(c.RAG)), Level: c.Level, Category: c.Category(), Risk: string(c.Risk),
		Next: next, Basis: basis,
	}
}

// RegisterPK is the register index partition of a traffic light.
func RegisterPK(light string) string { return "REGISTER#" + light }

// Identifiers returns the case's identifiers (for claims).
func (c Case) Identifiers() []referral.Identifier {
	var out []referral.Identifier
	for _, v := range c.CRNs {
		out = append(out, referral.Identifier{Kind: referral.KindCRN, Value: v})
	}
	for _, v := range c.PNCs {
		out = append(out, referral.Identifier{Kind: referral.KindPNC, Value: v})
	}
	for _, v := range c.CouncilNumbers {
		out = append(out, referral.Identifier{Kind: referral.KindCouncilNumber, Value: v})
	}
	return out
}

// CaseReferral links a case to one of its referrals.
type CaseReferral struct {
	ReferralID string
	ReceivedAt time.Time
	Agency     string
}

// Idempotency is the record of the first request made with a key.
type Idempotency struct {
	Scope      string
	BodyHash   string
	ReferralID string
	CaseID     string
	CreatedAt  time.Time
}

// ---- attribute helpers

type item = map[string]types.AttributeValue

func str(it item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func date(it item, name string) civil.Date {
	d, err := civil.Parse(str(it, name))
	if err != nil {
		return civil.Date{}
	}
	return d
}

func num(it item, name string) int {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.Atoi(v.Value)
		return n
	}
	return 0
}

func strSet(it item, name string) []string {
	if v, ok := it[name].(*types.AttributeValueMemberSS); ok {
		out := slices.Clone(v.Value)
		slices.Sort(out)
		return out
	}
	return nil
}

func set(vs []string) types.AttributeValue {
	return &types.AttributeValueMemberSS{Value: vs}
}

func withKey(k dynamo.Key, attrs item) item { return k.With(attrs) }

// referralState is the referral's small, often-changed item (sk
// REFERRAL): status, version, match state and what the work list shows,
// projected into the list indexes. The body (REFERRAL#BODY) and the
// classification (REFERRAL#CLASSIFICATION) are written once each and
// never rewritten by a status change.
type referralState struct {
	Type            string              `dynamodbav:"type"`
	ID              string              `dynamodbav:"id"`
	Agency          string              `dynamodbav:"agency"`
	Source          string              `dynamodbav:"source"`
	CreatedBy       string              `dynamodbav:"createdBy"`
	Status          referral.Status     `dynamodbav:"status"`
	Version         int                 `dynamodbav:"version"`
	CaseID          string              `dynamodbav:"caseId"`
	PossibleMatches []string            `dynamodbav:"possibleMatches,omitempty"`
	MatchState      referral.MatchState `dynamodbav:"matchState,omitempty"`
	CreatedAt       string              `dynamodbav:"createdAt"`
	UpdatedAt       string              `dynamodbav:"updatedAt"`
	// What the work list shows (projected into gsi1 and gsi2).
	GivenNames      string              `dynamodbav:"givenNames"`
	FamilyName      string              `dynamodbav:"familyName"`
	ReferringAgency referral.Agency     `dynamodbav:"referringAgency"`
	AgencyReference string              `dynamodbav:"agencyReference"`
	LevelRequested  int                 `dynamodbav:"levelRequested"`
	Outcome         eligibility.Outcome `dynamodbav:"outcome,omitempty"`
	PrimaryCategory int                 `dynamodbav:"primaryCategory,omitempty"`
	SuggestedLevel  int                 `dynamodbav:"suggestedLevel,omitempty"`
	ShortNotice     bool                `dynamodbav:"shortNotice,omitempty"`
	MeetingDate     string              `dynamodbav:"meetingDate,omitempty"`
	MeetingTime     string              `dynamodbav:"meetingTime,omitempty"`
	// NameKey is the person's likely-match key (referral.NameKey, a
	// SHA-256): the queue groups possible duplicates by it.
	NameKey string `dynamodbav:"nameKey,omitempty"`
	GSI1PK  string `dynamodbav:"gsi1pk"`
	GSI1SK  string `dynamodbav:"gsi1sk"`
	GSI2PK  string `dynamodbav:"gsi2pk"`
	GSI2SK  string `dynamodbav:"gsi2sk"`
}

// referralBody is the referral as received (sk REFERRAL#BODY), written
// once: the canonical JSON and its hash.
type referralBody struct {
	Type     string `dynamodbav:"type"`
	ID       string `dynamodbav:"id"`
	Body     string `dynamodbav:"body"`
	BodyHash string `dynamodbav:"bodyHash"`
}

func stateOf(r Referral) referralState {
	received := stamp(r.CreatedAt)
	st := referralState{
		Type: typeReferral, ID: r.ID, Agency: r.Agency, Source: r.Source, CreatedBy: r.CreatedBy,
		Status: r.Status, Version: r.Version, CaseID: r.CaseID, PossibleMatches: r.PossibleMatches, MatchState: r.MatchState,
		CreatedAt: received, UpdatedAt: stamp(r.UpdatedAt),
		GivenNames: r.Body.Person.GivenNames, FamilyName: r.Body.Person.FamilyName,
		ReferringAgency: r.Body.ReferringAgency, AgencyReference: r.Body.AgencyReference, LevelRequested: r.Body.LevelRequested,
		NameKey: referral.NameKey(r.Body.Person.FamilyName, r.Body.Person.DateOfBirth),
	}
	if m := r.Body.MeetingInvitation; m != nil && !m.Date.IsZero() {
		st.MeetingDate, st.MeetingTime = m.Date.String(), m.Time
	}
	// The list keys: sharded by id, sorted by urgency (queue.go).
	urgency := UrgencyKey(r.Status, st.MeetingDate, st.MeetingTime, r.CreatedAt, r.ID)
	shard := listShard(r.ID)
	st.GSI1PK, st.GSI1SK = string(allReferralsPK(shard)), urgency
	st.GSI2PK, st.GSI2SK = string(statusPK(r.Status, shard)), urgency
	if c := r.Classification; c != nil {
		st.Outcome = c.Result.Outcome
		if c.Result.Outcome == eligibility.Eligible {
			st.PrimaryCategory = int(c.Result.PrimaryCategory)
		}
		st.SuggestedLevel = c.SuggestedLevel()
		st.ShortNotice = c.ShortNotice()
	}
	return st
}

func referralStateItem(r Referral) (item, error) {
	it, err := attributevalue.MarshalMap(stateOf(r))
	if err != nil {
		return nil, fmt.Errorf("store: encode referral %s: %w", r.ID, err)
	}
	return referralKey(r.ID).With(it), nil
}

func referralBodyItem(r Referral) (item, error) {
	body, err := json.Marshal(r.Body)
	if err != nil {
		return nil, fmt.Errorf("store: encode referral %s: %w", r.ID, err)
	}
	it, err := attributevalue.MarshalMap(referralBody{Type: typeReferralBody, ID: r.ID, Body: string(body), BodyHash: r.BodyHash})
	if err != nil {
		return nil, fmt.Errorf("store: encode referral %s: %w", r.ID, err)
	}
	return referralBodyKey(r.ID).With(it), nil
}

// docOptions map domain values (the classification) by their JSON names,
// the names the OpenAPI document publishes, with dates as text.
func docEncode(o *attributevalue.EncoderOptions) { o.TagKey = "json"; o.UseEncodingMarshalers = true }
func docDecode(o *attributevalue.DecoderOptions) { o.TagKey = "json"; o.UseEncodingUnmarshalers = true }

func encodeClassification(c *referral.Classification) (types.AttributeValue, error) {
	v, err := attributevalue.MarshalWithOptions(c, docEncode)
	if err != nil {
		return nil, fmt.Errorf("store: encode classification: %w", err)
	}
	return v, nil
}

func decodeClassification(v types.AttributeValue) (*referral.Classification, error) {
	if v == nil {
		return nil, nil
	}
	if _, isNull := v.(*types.AttributeValueMemberNULL); isNull {
		return nil, nil
	}
	var c referral.Classification
	if err := attributevalue.UnmarshalWithOptions(v, &c, docDecode); err != nil {
		return nil, fmt.Errorf("store: decode classification: %w", err)
	}
	return &c, nil
}

// classificationItem is the referral's classification (sk
// REFERRAL#CLASSIFICATION), written once by classify.
func classificationItem(referralID string, c *referral.Classification) (item, error) {
	v, err := encodeClassification(c)
	if err != nil {
		return nil, err
	}
	return referralClassificationKey(referralID).With(item{
		"type": dynamo.S(typeClassification), "id": dynamo.S(referralID), "classification": v,
	}), nil
}

// referralFrom assembles a referral from the items of its partition
// (state, body and classification; other items are ignored). found is
// false without the state item.
func referralFrom(items []item) (r Referral, found bool, err error) {
	for _, it := range items {
		switch str(it, "type") {
		case typeReferral:
			var st referralState
			if err := attributevalue.UnmarshalMap(it, &st); err != nil {
				return Referral{}, false, fmt.Errorf("store: decode referral: %w", err)
			}
			found = true
			r.ID, r.Agency, r.Source, r.CreatedBy = st.ID, st.Agency, st.Source, st.CreatedBy
			r.Status, r.Version, r.CaseID = st.Status, st.Version, st.CaseID
			r.PossibleMatches, r.MatchState = st.PossibleMatches, st.MatchState
			r.CreatedAt, r.UpdatedAt = parseStamp(st.CreatedAt), parseStamp(st.UpdatedAt)
		case typeReferralBody:
			var b referralBody
			if err := attributevalue.UnmarshalMap(it, &b); err != nil {
				return Referral{}, false, fmt.Errorf("store: decode referral body: %w", err)
			}
			if err := json.Unmarshal([]byte(b.Body), &r.Body); err != nil {
				return Referral{}, false, fmt.Errorf("store: decode referral %s: %w", b.ID, err)
			}
			r.BodyHash = b.BodyHash
		case typeClassification:
			if r.Classification, err = decodeClassification(it["classification"]); err != nil {
				return Referral{}, false, err
			}
		}
	}
	return r, found, nil
}

// Summary is one referral in a work list: what the list indexes project,
// nothing more (no body, no classification reasons).
type Summary struct {
	ID              string
	Agency          string
	Source          string
	Status          referral.Status
	CaseID          string
	MatchState      referral.MatchState
	GivenNames      string
	FamilyName      string
	ReferringAgency referral.Agency
	AgencyReference string
	LevelRequested  int
	Outcome         eligibility.Outcome
	PrimaryCategory int
	SuggestedLevel  int
	ShortNotice     bool
	// MeetingDate ("" without an invitation) and MeetingTime ("HH:MM") of
	// the meeting the referral invites to.
	MeetingDate string
	MeetingTime string
	// NameKey is the person's likely-match key ("" without a family name
	// and date of birth).
	NameKey   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func summaryFrom(it item) (Summary, error) {
	var st referralState
	if err := attributevalue.UnmarshalMap(it, &st); err != nil {
		return Summary{}, fmt.Errorf("store: decode referral summary: %w", err)
	}
	return Summary{
		ID: st.ID, Agency: st.Agency, Source: st.Source, Status: st.Status, CaseID: st.CaseID, MatchState: st.MatchState,
		GivenNames: st.GivenNames, FamilyName: st.FamilyName, ReferringAgency: st.ReferringAgency,
		AgencyReference: st.AgencyReference, LevelRequested: st.LevelRequested, Outcome: st.Outcome,
		PrimaryCategory: st.PrimaryCategory, SuggestedLevel: st.SuggestedLevel, ShortNotice: st.ShortNotice,
		MeetingDate: st.MeetingDate, MeetingTime: st.MeetingTime, NameKey: st.NameKey,
		CreatedAt: parseStamp(st.CreatedAt), UpdatedAt: parseStamp(st.UpdatedAt),
	}, nil
}

func caseItem(c Case) (item, error) {
	person, err := json.Marshal(c.Person)
	if err != nil {
		return nil, fmt.Errorf("store: encode case %s: %w", c.ID, err)
	}
	created := stamp(c.CreatedAt)
	it := withKey(caseKey(c.ID), item{
		"type":      dynamo.S(typeCase),
		"id":        dynamo.S(c.ID),
		"status":    dynamo.S(c.Status),
		"person":    dynamo.S(string(person)),
		"level":     dynamo.N(int64(c.Level)),
		"version":   dynamo.N(int64(c.Version)),
		"createdAt": dynamo.S(created),
		"updatedAt": dynamo.S(stamp(c.UpdatedAt)),
		"gsi1pk":    dynamo.S("CASES"),
		"gsi1sk":    dynamo.S(created + "#" + c.ID),
	})
	for name, vs := range map[string][]string{"crns": c.CRNs, "pncs": c.PNCs, "councilNumbers": c.CouncilNumbers, "nameKeys": c.NameKeys} {
		if len(vs) > 0 {
			it[name] = set(vs)
		}
	}
	if c.MergedInto != "" {
		it["mergedInto"] = dynamo.S(c.MergedInto)
	}
	if c.RAG != "" {
		it["rag"] = dynamo.S(string(c.RAG))
	}
	if c.Risk != "" {
		it["risk"] = dynamo.S(string(c.Risk))
	}
	if !c.AcceptedAt.IsZero() {
		it["acceptedAt"] = dynamo.S(stamp(c.AcceptedAt))
	}
	if c.Status == CaseMerged {
		it["gsi1pk"] = dynamo.S("CASES#merged")
	}
	if r := c.Retention; r.Closed != nil || r.Hold != nil {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("store: encode case %s retention: %w", c.ID, err)
		}
		it["retention"] = dynamo.S(string(b))
		if !r.ExpiresAt.IsZero() {
			// The table's time to live (epoch seconds): DynamoDB deletes
			// the item after it; the retention function stamps the
			// case's other records with the same value.
			it[ExpiresAttr] = dynamo.N(r.ExpiresAt.Unix())
		}
	}
	for name, d := range map[string]civil.Date{"nextMeeting": c.Review.NextMeeting, "lastHeld": c.Review.LastHeld,
		"releaseDate": c.Review.Custody.ReleaseDate, "paroleDate": c.Review.Custody.ParoleEligibilityDate} {
		if !d.IsZero() {
			it[name] = dynamo.S(d.String())
		}
	}
	if c.Status == CaseOpen {
		// The risk register's sparse index (gsi2): open cases only, one
		// partition per traffic light, soonest next review first.
		e := c.RegisterEntry()
		it["gsi2pk"] = dynamo.S(RegisterPK(e.Light))
		it["gsi2sk"] = dynamo.S(e.Key())
		it["givenNames"] = dynamo.S(c.Person.GivenNames)
		it["familyName"] = dynamo.S(c.Person.FamilyName)
		it["category"] = dynamo.N(int64(e.Category))
		it["reviewBasis"] = dynamo.S(string(e.Basis))
		if !e.Next.IsZero() {
			it["nextReview"] = dynamo.S(e.Next.String())
		}
	}
	if c.Classification != nil {
		// The classification itself is its own item (caseClassificationItem).
		it["suggestedLevel"] = dynamo.N(int64(c.SuggestedLevel()))
	}
	return it, nil
}

// caseClassificationItem is the case's latest classification (sk
// CASE#CLASSIFICATION), written with each classification of one of its
// referrals.
func caseClassificationItem(caseID string, c *referral.Classification) (item, error) {
	v, err := encodeClassification(c)
	if err != nil {
		return nil, err
	}
	return caseClassificationKey(caseID).With(item{
		"type": dynamo.S(typeCaseClassification), "caseId": dynamo.S(caseID), "classification": v,
	}), nil
}

// caseFromItems reads a case from its item and its classification item
// (other items are ignored); found is false without the case item.
func caseFromItems(items []item) (c Case, found bool, err error) {
	var cls *referral.Classification
	for _, it := range items {
		switch str(it, "type") {
		case typeCase:
			if c, err = caseFrom(it); err != nil {
				return Case{}, false, err
			}
			found = true
		case typeCaseClassification:
			if cls, err = decodeClassification(it["classification"]); err != nil {
				return Case{}, false, err
			}
		}
	}
	if found && cls != nil {
		c.Classification = cls
	}
	return c, found, nil
}

func caseFrom(it item) (Case, error) {
	c := Case{
		ID:             str(it, "id"),
		Status:         str(it, "status"),
		MergedInto:     str(it, "mergedInto"),
		CRNs:           strSet(it, "crns"),
		PNCs:           strSet(it, "pncs"),
		CouncilNumbers: strSet(it, "councilNumbers"),
		NameKeys:       strSet(it, "nameKeys"),
		Level:          num(it, "level"),
		RAG:            referral.RAG(str(it, "rag")),
		Risk:           risk.Level(str(it, "risk")),
		Version:        num(it, "version"),
		CreatedAt:      parseStamp(str(it, "createdAt")),
		UpdatedAt:      parseStamp(str(it, "updatedAt")),
	}
	if a := str(it, "acceptedAt"); a != "" {
		c.AcceptedAt = parseStamp(a)
	}
	c.Review.NextMeeting = date(it, "nextMeeting")
	c.Review.LastHeld = date(it, "lastHeld")
	c.Review.Custody.ReleaseDate = date(it, "releaseDate")
	c.Review.Custody.ParoleEligibilityDate = date(it, "paroleDate")
	var err error
	if c.Classification, err = decodeClassification(it["classification"]); err != nil {
		return Case{}, err
	}
	if err := json.Unmarshal([]byte(str(it, "person")), &c.Person); err != nil {
		return Case{}, fmt.Errorf("store: decode case %s: %w", c.ID, err)
	}
	if r := str(it, "retention"); r != "" {
		if err := json.Unmarshal([]byte(r), &c.Retention); err != nil {
			return Case{}, fmt.Errorf("store: decode case %s retention: %w", c.ID, err)
		}
	}
	return c, nil
}

func decisionItem(referralID string, d referral.Decision) item {
	it := withKey(decisionKey(referralID, d.At, d.ID), item{
		"type":       dynamo.S(typeDecision),
		"id":         dynamo.S(d.ID),
		"referralId": dynamo.S(referralID),
		"decision":   dynamo.S(string(d.Kind)),
		"actor":      dynamo.S(d.Actor),
		"at":         dynamo.S(stamp(d.At)),
		"from":       dynamo.S(string(d.From)),
		"to":         dynamo.S(string(d.To)),
	})
	if d.Reason != "" {
		it["reason"] = dynamo.S(d.Reason)
	}
	return it
}

func decisionFrom(it item) referral.Decision {
	return referral.Decision{
		ID:     str(it, "id"),
		Kind:   referral.DecisionKind(str(it, "decision")),
		Reason: str(it, "reason"),
		Actor:  str(it, "actor"),
		At:     parseStamp(str(it, "at")),
		From:   referral.Status(str(it, "from")),
		To:     referral.Status(str(it, "to")),
	}
}

func levelItem(caseID string, l referral.LevelChange) item {
	it := withKey(levelKey(caseID, l.At, l.ID), item{
		"type":           dynamo.S(typeLevelChange),
		"id":             dynamo.S(l.ID),
		"caseId":         dynamo.S(caseID),
		"action":         dynamo.S(string(l.Action)),
		"level":          dynamo.N(int64(l.Level)),
		"previousLevel":  dynamo.N(int64(l.PreviousLevel)),
		"suggestedLevel": dynamo.N(int64(l.SuggestedLevel)),
		"actor":          dynamo.S(l.Actor),
		"at":             dynamo.S(stamp(l.At)),
	})
	if l.Reason != "" {
		it["reason"] = dynamo.S(l.Reason)
	}
	if !l.MeetingDate.IsZero() {
		it["meetingDate"] = dynamo.S(l.MeetingDate.String())
	}
	return it
}

func levelFrom(it item) referral.LevelChange {
	return referral.LevelChange{
		ID:             str(it, "id"),
		Action:         referral.LevelAction(str(it, "action")),
		Level:          num(it, "level"),
		PreviousLevel:  num(it, "previousLevel"),
		SuggestedLevel: num(it, "suggestedLevel"),
		Reason:         str(it, "reason"),
		MeetingDate:    dateOf(str(it, "meetingDate")),
		Actor:          str(it, "actor"),
		At:             parseStamp(str(it, "at")),
	}
}

// dateOf reads a civil date attribute ("" or unreadable: the zero date).
func dateOf(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		return civil.Date{}
	}
	return d
}

func caseReferralItem(caseID string, l CaseReferral) item {
	return withKey(caseReferralKey(caseID, l.ReceivedAt, l.ReferralID), item{
		"type":       dynamo.S(typeCaseReferral),
		"caseId":     dynamo.S(caseID),
		"referralId": dynamo.S(l.ReferralID),
		"receivedAt": dynamo.S(stamp(l.ReceivedAt)),
		"agency":     dynamo.S(l.Agency),
	})
}

func caseReferralFrom(it item) CaseReferral {
	return CaseReferral{
		ReferralID: str(it, "referralId"),
		ReceivedAt: parseStamp(str(it, "receivedAt")),
		Agency:     str(it, "agency"),
	}
}

func claimItem(id referral.Identifier, caseID string, at time.Time) item {
	return withKey(claimKey(id), item{
		"type":      dynamo.S(typeClaim),
		"kind":      dynamo.S(string(id.Kind)),
		"value":     dynamo.S(id.Value),
		"caseId":    dynamo.S(caseID),
		"claimedAt": dynamo.S(stamp(at)),
	})
}

// idempotencyItem records that key in scope named referral r.
func idempotencyItem(scope, key string, r Referral) item {
	return withKey(idempotencyKey(scope, key), item{
		"type":       dynamo.S(typeIdempotency),
		"scope":      dynamo.S(scope),
		"bodyHash":   dynamo.S(r.BodyHash),
		"referralId": dynamo.S(r.ID),
		"caseId":     dynamo.S(r.CaseID),
		"createdAt":  dynamo.S(stamp(r.CreatedAt)),
	})
}

func idempotencyFrom(it item) Idempotency {
	return Idempotency{
		Scope:      str(it, "scope"),
		BodyHash:   str(it, "bodyHash"),
		ReferralID: str(it, "referralId"),
		CaseID:     str(it, "caseId"),
		CreatedAt:  parseStamp(str(it, "createdAt")),
	}
}

func nameIndexItem(nameKey, caseID string) item {
	return withKey(nameIndexKey(nameKey, caseID), item{
		"type":   dynamo.S(typeNameKey),
		"caseId": dynamo.S(caseID),
	})
}

// identifierSets groups identifiers into the case item's set attributes.
func identifierSets(ids []referral.Identifier) map[string][]string {
	out := map[string][]string{}
	for _, id := range ids {
		var name string
		switch id.Kind {
		case referral.KindCRN:
			name = "crns"
		case referral.KindPNC:
			name = "pncs"
		case referral.KindCouncilNumber:
			name = "councilNumbers"
		default:
			continue
		}
		if !slices.Contains(out[name], id.Value) {
			out[name] = append(out[name], id.Value)
		}
	}
	return out
}
