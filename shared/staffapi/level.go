package staffapi

import "encoding/json"

// neverLevel1 reports whether a stored classification says the person's
// only basis is Category 3, which is never managed at level 1.
func neverLevel1(classification json.RawMessage) bool {
	if len(classification) == 0 {
		return false
	}
	var c struct {
		Result struct {
			PrimaryCategory int `json:"primaryCategory"`
		} `json:"result"`
	}
	if json.Unmarshal(classification, &c) != nil {
		return false
	}
	return c.Result.PrimaryCategory == 3
}
