package eligibility

import (
	"regexp"
	"slices"
	"strings"
)

// SearchHit is an offence that matched a search, with its score.
type SearchHit struct {
	Offence OffenceInfo
	Score   int
}

var (
	sectionQuery = regexp.MustCompile(`(?i)\b(?:s|ss|sec|section|art|article)\.?\s*([0-9]+[a-z]{0,2})\s*((?:\([0-9a-z]+\))*)`)
	wordPattern  = regexp.MustCompile(`[a-z0-9]+`)
	stopWords    = map[string]bool{"of": true, "the": true, "a": true, "an": true, "and": true, "or": true, "to": true, "in": true, "on": true, "by": true, "with": true, "for": true, "act": true}
)

// Search finds offences by words of their name, their Act or their
// section ("s.47", "strangulation", "Sexual Offences Act 2003 s.9"), best
// first. Every word of the query must match the entry's title, Act,
// aliases or code (a word matches the start of a word); a section in the
// query must be the entry's section. An exact code or reference ranks
// first, then a section match, then whole-title and word matches; England
// and Wales offences before Scottish and Northern Ireland ones. An empty
// query lists every offence in the list's order.
func (l *OffenceList) Search(q string) []SearchHit {
	q = strings.TrimSpace(q)
	if q == "" {
		out := make([]SearchHit, len(l.Offences))
		for i, o := range l.Offences {
			out[i] = SearchHit{Offence: o}
		}
		return out
	}
	var secNum, secSub string
	rest := q
	if m := sectionQuery.FindStringSubmatchIndex(q); m != nil {
		secNum = strings.ToUpper(q[m[2]:m[3]])
		secSub = strings.ToLower(q[m[4]:m[5]])
		rest = q[:m[0]] + " " + q[m[1]:]
	}
	var words []string
	for _, w := range wordPattern.FindAllString(strings.ToLower(rest), -1) {
		if !stopWords[w] {
			words = append(words, w)
		}
	}
	nq := normalise(q)
	var hits []SearchHit
	for _, o := range l.Offences {
		score := 0
		if secNum != "" {
			_, num, sub, ok := splitReference(o.Statute + " " + o.Section)
			if !ok || num != secNum || (secSub != "" && !strings.HasPrefix(sub, secSub)) {
				continue
			}
			score += 100
			if sub == secSub {
				score += 20
			}
		}
		title := wordPattern.FindAllString(strings.ToLower(o.Title), -1)
		statute := wordPattern.FindAllString(strings.ToLower(o.Statute), -1)
		var aliases []string
		for _, a := range o.Aliases {
			aliases = append(aliases, wordPattern.FindAllString(strings.ToLower(a), -1)...)
		}
		code := strings.ToLower(o.Code)
		all := true
		for _, w := range words {
			switch {
			case prefixOfAny(w, title):
				score += 10
			case prefixOfAny(w, statute):
				score += 8
			case prefixOfAny(w, aliases):
				score += 6
			case strings.Contains(code, w):
				score += 4
			default:
				all = false
			}
		}
		if !all {
			continue
		}
		switch {
		case strings.EqualFold(o.Code, q):
			score += 1000
		case nq == normalise(o.Statute+" "+o.Section) || nq == normalise(o.Title):
			score += 500
		case strings.Contains(normalise(o.Title), nq):
			score += 50
		}
		if o.Jurisdiction == "" {
			score += 2
		}
		hits = append(hits, SearchHit{Offence: o, Score: score})
	}
	slices.SortStableFunc(hits, func(a, b SearchHit) int { return b.Score - a.Score })
	return hits
}

func prefixOfAny(w string, words []string) bool {
	return slices.ContainsFunc(words, func(x string) bool { return strings.HasPrefix(x, w) })
}
