package eligibilityapi

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// OffencesRoute is the pattern RegisterOffences serves.
const OffencesRoute = "GET /v1/offences"

// Search limits.
const (
	DefaultLimit = 20
	MaxLimit     = 50
	maxQuery     = 200
)

// OffenceItem is one offence of the list as the search returns it, with
// its place in Schedule 15, s.327(4A) and Schedule 3.
type OffenceItem struct {
	// Code is what a referral's offence carries ("OAPA1861-S47").
	Code  string `json:"code"`
	Title string `json:"title"`
	// Reference is the statute reference in words.
	Reference string `json:"reference"`
	Statute   string `json:"statute"`
	Section   string `json:"section,omitempty"`
	// Status says in words where the offence stands: "Schedule 15 Part 1
	// para 20", "Schedule 3 para 18 (conditional)", "not specified".
	Status              string                        `json:"status"`
	Schedule15          *eligibility.Schedule15Ref    `json:"schedule15,omitempty"`
	S327_4A             string                        `json:"s327_4A,omitempty"`
	ChildVictimRequired bool                          `json:"childVictimRequired,omitempty"`
	Notification        *eligibility.NotificationRule `json:"notification,omitempty"`
	Terrorism           bool                          `json:"terrorism,omitempty"`
	// Jurisdiction is "scotland" or "northern-ireland" for offences of
	// those jurisdictions; absent for England and Wales.
	Jurisdiction string `json:"jurisdiction,omitempty"`
	Note         string `json:"note,omitempty"`
}

// OffencePage is a page of search results, best first.
type OffencePage struct {
	Items []OffenceItem `json:"items"`
	// Total is how many offences matched.
	Total int `json:"total"`
	// Next is the cursor of the next page; absent on the last page.
	Next string `json:"next,omitempty"`
	// OffenceListVersion is the version of the offence list searched.
	OffenceListVersion string `json:"offenceListVersion"`
}

// RegisterOffences adds GET /v1/offences to rt for every staff role.
func RegisterOffences(rt *auth.Router) {
	rt.Handle(OffencesRoute, access.Policy(OffencesRoute), OffencesHandler())
}

// OffencesHandler answers GET /v1/offences?q=&limit=&cursor=: the offence
// list searched by words, Act or section, ranked, a page at a time.
func OffencesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var errs validation.Errors
		text := q.Get("q")
		if len(text) > maxQuery {
			errs.Add("/q", "must be at most 200 characters (query parameter)")
		}
		limit := DefaultLimit
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > MaxLimit {
				errs.Add("/limit", "must be a whole number from 1 to 50 (query parameter)")
			}
			limit = n
		}
		offset := 0
		if c := q.Get("cursor"); c != "" {
			n, ok := decodeCursor(c)
			if !ok {
				errs.Add("/cursor", "is not a cursor from this list (query parameter)")
			}
			offset = n
		}
		if !errs.OK() {
			httpapi.Invalid(w, r, errs)
			return
		}
		l := eligibility.Offences()
		hits := l.Search(text)
		page := OffencePage{Items: []OffenceItem{}, Total: len(hits), OffenceListVersion: l.Version}
		for i := offset; i < len(hits) && i < offset+limit; i++ {
			page.Items = append(page.Items, item(hits[i].Offence))
		}
		if offset+limit < len(hits) {
			page.Next = encodeCursor(offset + limit)
		}
		w.Header().Set("Cache-Control", "private, max-age=300")
		httpapi.JSON(w, http.StatusOK, page)
	})
}

func item(o eligibility.OffenceInfo) OffenceItem {
	return OffenceItem{Code: o.Code, Title: o.Title, Reference: o.Reference(), Statute: o.Statute, Section: o.Section,
		Status: o.ScheduleStatus(), Schedule15: o.Schedule15, S327_4A: o.S327_4A, ChildVictimRequired: o.ChildVictimRequired,
		Notification: o.Notification, Terrorism: o.Terrorism, Jurisdiction: o.Jurisdiction, Note: o.Note}
}

func encodeCursor(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(n)))
}

func decodeCursor(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != 'o' {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[1:]))
	if err != nil || n < 0 || n > 100000 {
		return 0, false
	}
	return n, true
}
