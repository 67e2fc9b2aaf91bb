package workdays

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// ProjectedNote marks an event computed from the standard rules rather
// than copied from gov.uk.
const ProjectedNote = "Projected from the standard rules; check against gov.uk when published"

// govUK is the shape of https://www.gov.uk/bank-holidays.json.
type govUK map[string]struct {
	Division string    `json:"division"`
	Events   []Holiday `json:"events"`
}

// Merge updates the data file current with gov.uk's published bank
// holidays (the whole bank-holidays.json document). Every year gov.uk lists
// completely (at least eight England and Wales events) replaces that year in
// current; other years are kept. The file's LastYear grows if gov.uk goes
// further. The result is checked with Load before it is returned.
func Merge(current, govukJSON []byte) ([]byte, error) {
	var f File
	if err := json.Unmarshal(current, &f); err != nil {
		return nil, fmt.Errorf("read current file: %w", err)
	}
	var g govUK
	if err := json.Unmarshal(govukJSON, &g); err != nil {
		return nil, fmt.Errorf("read gov.uk file: %w", err)
	}
	ew, ok := g["england-and-wales"]
	if !ok || len(ew.Events) == 0 {
		return nil, fmt.Errorf("gov.uk file has no england-and-wales events")
	}
	byYear := map[int][]Holiday{}
	for _, h := range ew.Events {
		if h.Date.IsZero() {
			return nil, fmt.Errorf("gov.uk event %q has no date", h.Title)
		}
		byYear[h.Date.Year] = append(byYear[h.Date.Year], h)
	}
	replaced := map[int]bool{}
	for y, hs := range byYear {
		if len(hs) >= 8 && y >= f.FirstYear {
			replaced[y] = true
			if y > f.LastYear {
				// Fill any gap with projected years so the file stays complete.
				for gap := f.LastYear + 1; gap < y; gap++ {
					if len(byYear[gap]) < 8 {
						f.Events = append(f.Events, projected(gap)...)
					}
				}
				f.LastYear = max(f.LastYear, y)
			}
		}
	}
	f.Events = slices.DeleteFunc(f.Events, func(h Holiday) bool { return replaced[h.Date.Year] })
	for y := range replaced {
		for _, h := range byYear[y] {
			f.Events = append(f.Events, Holiday{Date: h.Date, Title: h.Title, Notes: h.Notes})
		}
	}
	return encode(f)
}

// Project extends the data file current with years up to lastYear computed
// by Rules, each event marked with ProjectedNote.
func Project(current []byte, lastYear int) ([]byte, error) {
	var f File
	if err := json.Unmarshal(current, &f); err != nil {
		return nil, fmt.Errorf("read current file: %w", err)
	}
	for y := f.LastYear + 1; y <= lastYear; y++ {
		f.Events = append(f.Events, projected(y)...)
	}
	f.LastYear = max(f.LastYear, lastYear)
	return encode(f)
}

func projected(year int) []Holiday {
	hs := Rules(year)
	for i := range hs {
		hs[i].Notes = ProjectedNote
	}
	return hs
}

func encode(f File) ([]byte, error) {
	slices.SortStableFunc(f.Events, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	for i := range f.Events {
		f.Events[i].Bunting = false
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	if _, err := Load(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("merged file is not valid: %w", err)
	}
	return buf.Bytes(), nil
}
