package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/referral"
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
	typeReferral     = "referral"
	typeDecision     = "decision"
	typeIdempotency  = "idempotency"
	typeCase         = "case"
	typeCaseReferral = "case-referral"
	typeLevelChange  = "level-change"
	typeRAGChange    = "rag-change"
	typeClaim        = "identifier-claim"
	typeNameKey      = "name-key"
)

// Case statuses.
const (
	CaseOpen   = "open"
	CaseMerged = "merged"
)

// ---- keys (typed constructors: one per item type)

func referralKey(id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("REFERRAL#" + id), SK: "REFERRAL"}
}

func decisionKey(referralID string, at time.Time, id string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("REFERRAL#" + referralID), SK: dynamo.SK("DECISION#" + stamp(at) + "#" + id)}
}

func idempotencyKey(scope, key string) dynamo.Key {
	sum := sha256.Sum256([]byte(key))
	return dynamo.Key{PK: dynamo.PK("IDEMPOTENCY#" + scope + "#" + hex.EncodeToString(sum[:])), SK: "IDEMPOTENCY"}
}

func caseKey(id string) dynamo.Key { return dynamo.Key{PK: dynamo.PK("CASE#" + id), SK: "CASE"} }

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
	// Classification is the JSON the classifier stored, nil before.
	Classification json.RawMessage
	SuggestedLevel int
	CreatedAt      time.Time
	UpdatedAt      time.Time
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
	RAG            referral.RAG
	SuggestedLevel int
	Classification json.RawMessage
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

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

func strList(it item, name string) []string {
	v, ok := it[name].(*types.AttributeValueMemberL)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(v.Value))
	for _, e := range v.Value {
		if s, ok := e.(*types.AttributeValueMemberS); ok {
			out = append(out, s.Value)
		}
	}
	return out
}

func list(vs []string) types.AttributeValue {
	l := make([]types.AttributeValue, len(vs))
	for i, v := range vs {
		l[i] = dynamo.S(v)
	}
	return &types.AttributeValueMemberL{Value: l}
}

func set(vs []string) types.AttributeValue {
	return &types.AttributeValueMemberSS{Value: vs}
}

func withKey(k dynamo.Key, attrs item) item { return k.With(attrs) }

func referralItem(r Referral) (item, error) {
	body, err := json.Marshal(r.Body)
	if err != nil {
		return nil, fmt.Errorf("store: encode referral %s: %w", r.ID, err)
	}
	received := stamp(r.CreatedAt)
	it := withKey(referralKey(r.ID), item{
		"type":            dynamo.S(typeReferral),
		"id":              dynamo.S(r.ID),
		"agency":          dynamo.S(r.Agency),
		"source":          dynamo.S(r.Source),
		"createdBy":       dynamo.S(r.CreatedBy),
		"status":          dynamo.S(string(r.Status)),
		"version":         dynamo.N(int64(r.Version)),
		"caseId":          dynamo.S(r.CaseID),
		"agencyReference": dynamo.S(r.Body.AgencyReference),
		"levelRequested":  dynamo.N(int64(r.Body.LevelRequested)),
		"body":            dynamo.S(string(body)),
		"bodyHash":        dynamo.S(r.BodyHash),
		"createdAt":       dynamo.S(received),
		"updatedAt":       dynamo.S(stamp(r.UpdatedAt)),
		"gsi1pk":          dynamo.S("REFERRALS"),
		"gsi1sk":          dynamo.S(received + "#" + r.ID),
		"gsi2pk":          dynamo.S("STATUS#" + string(r.Status)),
		"gsi2sk":          dynamo.S(received + "#" + r.ID),
	})
	if len(r.PossibleMatches) > 0 {
		it["possibleMatches"] = list(r.PossibleMatches)
	}
	if r.MatchState != "" {
		it["matchState"] = dynamo.S(string(r.MatchState))
	}
	return it, nil
}

func referralFrom(it item) (Referral, error) {
	r := Referral{
		ID:              str(it, "id"),
		Agency:          str(it, "agency"),
		Source:          str(it, "source"),
		CreatedBy:       str(it, "createdBy"),
		Status:          referral.Status(str(it, "status")),
		Version:         num(it, "version"),
		CaseID:          str(it, "caseId"),
		BodyHash:        str(it, "bodyHash"),
		PossibleMatches: strList(it, "possibleMatches"),
		MatchState:      referral.MatchState(str(it, "matchState")),
		SuggestedLevel:  num(it, "suggestedLevel"),
		CreatedAt:       parseStamp(str(it, "createdAt")),
		UpdatedAt:       parseStamp(str(it, "updatedAt")),
	}
	if c := str(it, "classification"); c != "" {
		r.Classification = json.RawMessage(c)
	}
	if err := json.Unmarshal([]byte(str(it, "body")), &r.Body); err != nil {
		return Referral{}, fmt.Errorf("store: decode referral %s: %w", r.ID, err)
	}
	return r, nil
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
	return it, nil
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
		SuggestedLevel: num(it, "suggestedLevel"),
		Version:        num(it, "version"),
		CreatedAt:      parseStamp(str(it, "createdAt")),
		UpdatedAt:      parseStamp(str(it, "updatedAt")),
	}
	if s := str(it, "classification"); s != "" {
		c.Classification = json.RawMessage(s)
	}
	if err := json.Unmarshal([]byte(str(it, "person")), &c.Person); err != nil {
		return Case{}, fmt.Errorf("store: decode case %s: %w", c.ID, err)
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
		Actor:          str(it, "actor"),
		At:             parseStamp(str(it, "at")),
	}
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

// Classification is what the "classification" attribute holds (JSON) on a
// classified referral and on its case.
type Classification struct {
	Result         json.RawMessage `json:"result"`
	SuggestedLevel int             `json:"suggestedLevel"`
	ClassifiedAt   time.Time       `json:"classifiedAt"`
}

func classificationJSON(result any, suggestedLevel int, at time.Time) (string, error) {
	raw, err := json.Marshal(result)
	if err != nil {
		return "", fmt.Errorf("store: encode classification: %w", err)
	}
	b, err := json.Marshal(Classification{Result: raw, SuggestedLevel: suggestedLevel, ClassifiedAt: at.UTC()})
	if err != nil {
		return "", fmt.Errorf("store: encode classification: %w", err)
	}
	return string(b), nil
}
