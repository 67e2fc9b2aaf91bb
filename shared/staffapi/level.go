package staffapi

import (
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/referral"
)

// neverLevel1 reports whether a classification says the person's primary
// category is Category 3, which is never managed at level 1.
func neverLevel1(c *referral.Classification) bool {
	return c != nil && c.Result.PrimaryCategory == eligibility.Category3
}
