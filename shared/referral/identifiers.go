package referral

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/lazyre"
)

// IdentifierKind names a kind of identifier that links referrals to a case.
type IdentifierKind string

// Identifier kinds, strongest first: a match on an earlier kind wins.
const (
	KindCRN           IdentifierKind = "crn"
	KindPNC           IdentifierKind = "pnc"
	KindCouncilNumber IdentifierKind = "councilNumber"
)

// IdentifierKinds lists the kinds in order of strength.
var IdentifierKinds = []IdentifierKind{KindCRN, KindPNC, KindCouncilNumber}

// Identifier is one normalised identifier.
type Identifier struct {
	Kind  IdentifierKind
	Value string // normalised
}

var (
	crnPattern     = lazyre.New(`^[A-Z][0-9]{6}$`)
	pncPattern     = lazyre.New(`^([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])$`)
	councilPattern = lazyre.New(`^[A-Z0-9]{1,30}$`)
)

// NormaliseCRN upper-cases and trims a CRN ("x123456 " -> "X123456").
// ok is false if it is not a letter and six digits.
func NormaliseCRN(s string) (string, bool) {
	v := strings.ToUpper(strings.TrimSpace(s))
	return v, crnPattern.MatchString(v)
}

// NormalisePNC reads a PNC number written YY/NNNNNNNL or YYYY/NNNNNNNL
// (the serial may be written without leading zeros) and returns it as
// YY/NNNNNNNL with a seven-digit serial, so "2001/123A", "01/0000123a" and
// "01/0000123A" are the same number. ok is false if it is not a PNC number.
// The check letter is not verified: the referral carries what the police
// gave, and a typo is a business support officer's question, not a refusal.
func NormalisePNC(s string) (string, bool) {
	v := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	m := pncPattern.FindStringSubmatch(v)
	if m == nil {
		return v, false
	}
	year := m[1]
	if len(year) == 4 {
		year = year[2:]
	}
	serial := strings.Repeat("0", 7-len(m[2])) + m[2]
	return year + "/" + serial + m[3], true
}

// NormaliseCouncilNumber upper-cases a council case number and drops spaces,
// hyphens, slashes and dots. ok is false if what remains is empty, longer
// than 30 characters, or not letters and digits.
func NormaliseCouncilNumber(s string) (string, bool) {
	v := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '/', '.':
			return -1
		}
		return unicode.ToUpper(r)
	}, strings.TrimSpace(s))
	return v, councilPattern.MatchString(v)
}

// IdentifiersOf returns the person's valid identifiers, normalised, strongest
// first. Invalid ones are left out (Validate reports them).
func IdentifiersOf(p Person) []Identifier {
	var out []Identifier
	if v, ok := NormaliseCRN(p.Identifiers.CRN); ok {
		out = append(out, Identifier{KindCRN, v})
	}
	if v, ok := NormalisePNC(p.Identifiers.PNC); ok {
		out = append(out, Identifier{KindPNC, v})
	}
	if v, ok := NormaliseCouncilNumber(p.Identifiers.CouncilNumber); ok {
		out = append(out, Identifier{KindCouncilNumber, v})
	}
	return out
}

// NormaliseName folds a name for matching: accents removed, lower case,
// letters only ("O'Brien-Smith" and "obrien smith" match).
func NormaliseName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// NameKey is the likely-match key of a person: a SHA-256 of the normalised
// family name and the date of birth. It is a hash so that the key stored in
// the database does not spell out a name and date of birth. Empty if either
// is missing.
func NameKey(familyName string, dob civil.Date) string {
	n := NormaliseName(familyName)
	if n == "" || dob.IsZero() {
		return ""
	}
	sum := sha256.Sum256([]byte(n + "|" + dob.String()))
	return hex.EncodeToString(sum[:])
}
