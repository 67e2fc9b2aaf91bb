package staffapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// The referrals queue for triage: most urgent first (store.UrgencyKey),
// counts per status, search, possible duplicates grouped, a cursor.
//
// Row rules: a business support officer (access scope All) reads the
// store's sharded lists, counters and search entries; anyone else reads
// only the referrals of the cases in their scope (store.ReferralsOfCases),
// so a page, a count and a search never include a referral the caller may
// not read, and their pages are full.

// QueueQuery asks for one page of the queue.
type QueueQuery struct {
	// Status filters by status ("" every status).
	Status referral.Status
	// Search, if not empty, finds referrals by name, CRN, PNC number,
	// council number or agency reference (store.SearchPartitions) instead
	// of listing; at most store.SearchLimit, one page.
	Search string
	Limit  int
	Cursor string
}

// QueuePage is one page of the queue.
type QueuePage struct {
	// Groups are the rows: each one person's referrals on this page, the
	// most urgent first (a group of one is a referral with no possible
	// duplicate on the page).
	Groups [][]store.Summary
	// Counts are the referrals in each status the caller may see (of the
	// search's results when searching); nil when the caller's cases are
	// too many to read at once (store.MaxScopeCases).
	Counts map[referral.Status]int
	Next   string
	// More: a search found more than it shows.
	More bool
}

// Queue returns one page of the queue for a, after auditing the read (one
// record naming every referral shown; the search text is never recorded:
// it may be a name).
func (s *Service) Queue(ctx context.Context, a Actor, q QueueQuery) (QueuePage, error) {
	scope, err := s.access.ScopeOf(ctx, a.Identity)
	if err != nil {
		return QueuePage{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 25
	}
	var out QueuePage
	var rows []store.Summary
	switch {
	case q.Search != "":
		res, err := s.store.SearchReferrals(ctx, q.Search)
		if err != nil {
			return QueuePage{}, err
		}
		found := slices.DeleteFunc(res.Referrals, func(r store.Summary) bool { return !scope.Has(r.CaseID) })
		out.Counts = countByStatus(found)
		out.More = res.More && (scope.All || len(found) >= store.SearchLimit)
		rows = slices.DeleteFunc(found, func(r store.Summary) bool { return q.Status != "" && r.Status != q.Status })
		store.SortByUrgency(rows)
	case scope.All:
		p, err := s.store.ListReferrals(ctx, store.ListQuery{Status: q.Status, Limit: limit, Cursor: q.Cursor})
		if err != nil {
			return QueuePage{}, err
		}
		if out.Counts, err = s.store.QueueCounts(ctx); err != nil {
			return QueuePage{}, err
		}
		rows, out.Next = p.Referrals, p.Next
	case len(scope.Cases) > store.MaxScopeCases:
		// Too many cases to read each: the shared lists, each page kept to
		// the caller's rows below (a page may be short; next continues),
		// and no counts.
		p, err := s.store.ListReferrals(ctx, store.ListQuery{Status: q.Status, Limit: limit, Cursor: q.Cursor})
		if err != nil {
			return QueuePage{}, err
		}
		rows, out.Next = p.Referrals, p.Next
	default:
		all, err := s.scopedReferrals(ctx, scope)
		if err != nil {
			return QueuePage{}, err
		}
		out.Counts = countByStatus(all)
		if rows, out.Next, err = scopedPage(all, q.Status, limit, q.Cursor); err != nil {
			return QueuePage{}, err
		}
	}
	// Never a row the caller may not read, whichever way it was found.
	rows = slices.DeleteFunc(rows, func(r store.Summary) bool { return !scope.Has(r.CaseID) })
	out.Groups = GroupByPerson(rows)
	if len(rows) == 0 {
		return out, nil
	}
	e := s.entry(a, audit.ActionReferralList, "list:referrals", "")
	if q.Search != "" {
		e.Reason = a.Route + " search"
	}
	for _, r := range rows {
		e.Subjects = append(e.Subjects, "referral:"+r.ID)
	}
	if err := s.audit.Record(ctx, e); err != nil {
		return QueuePage{}, err
	}
	return out, nil
}

// scopedReferrals are the referrals of the cases in scope.
func (s *Service) scopedReferrals(ctx context.Context, scope access.Scope) ([]store.Summary, error) {
	ids := slices.Sorted(maps.Keys(scope.Cases))
	if len(ids) == 0 {
		return nil, nil
	}
	return s.store.ReferralsOfCases(ctx, ids)
}

func countByStatus(rs []store.Summary) map[referral.Status]int {
	out := map[referral.Status]int{}
	for _, st := range referral.Statuses {
		out[st] = 0
	}
	for _, r := range rs {
		out[r.Status]++
	}
	return out
}

// scopedCursor continues a scoped list after the urgency key of the last
// row shown.
type scopedCursor struct {
	List  string `json:"l"`
	After string `json:"a"`
}

// scopedPage is one page, most urgent first, of a scope's referrals.
func scopedPage(all []store.Summary, status referral.Status, limit int, cursor string) ([]store.Summary, string, error) {
	list := "SCOPE#" + string(status)
	after := ""
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		var c scopedCursor
		if err != nil || json.Unmarshal(b, &c) != nil || c.List != list || c.After == "" {
			return nil, "", store.ErrBadCursor
		}
		after = c.After
	}
	rows := slices.DeleteFunc(slices.Clone(all), func(r store.Summary) bool {
		return (status != "" && r.Status != status) || (after != "" && r.UrgencyKey() <= after)
	})
	store.SortByUrgency(rows)
	if len(rows) <= limit {
		return rows, "", nil
	}
	rows = rows[:limit]
	b, _ := json.Marshal(scopedCursor{List: list, After: rows[len(rows)-1].UrgencyKey()})
	return rows, base64.RawURLEncoding.EncodeToString(b), nil
}

// GroupByPerson groups referrals that may be the same person: the same
// case (the intake joined them by an identifier and the name and date of
// birth) or the same name key (family name and date of birth: the same
// person or a possible match). Groups keep the order of their first
// member and members their order, so with rows most urgent first each
// group is led by its most urgent referral.
func GroupByPerson(rows []store.Summary) [][]store.Summary {
	parent := make([]int, len(rows))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	union := func(i, j int) {
		a, b := find(i), find(j)
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	seen := map[string]int{}
	for i, r := range rows {
		for _, k := range []string{"case:" + r.CaseID, "name:" + r.NameKey} {
			if strings.HasSuffix(k, ":") {
				continue
			}
			if j, ok := seen[k]; ok {
				union(j, i)
			} else {
				seen[k] = i
			}
		}
	}
	var out [][]store.Summary
	at := map[int]int{}
	for i, r := range rows {
		root := find(i)
		g, ok := at[root]
		if !ok {
			g = len(out)
			at[root] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], r)
	}
	return out
}
