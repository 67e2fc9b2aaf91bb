package eligibility

import (
	"fmt"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

// childrenRoute applies S4: "not eligible" is never the end where children
// may be at risk. When a Schedule 15 offence, an offence against a child
// or contact with children is recorded, the answer names the Persons
// Posing a Risk to Children route and asks the front door to consider
// child protection procedures.
func (c *classifier) childrenRoute() {
	var why []string
	ptr := ""
	for _, i := range c.active() {
		o := c.f.Offences[i]
		info, ok := c.info(i)
		switch {
		case ok && info.Schedule15 != nil:
			why = append(why, c.offenceName(i)+" is a Schedule 15 offence")
		case ok && (info.AgainstChild || info.ChildVictimRequired) || o.VictimUnder18 == Yes:
			why = append(why, c.offenceName(i)+" was against a child")
		default:
			continue
		}
		if ptr == "" {
			ptr = validation.Pointer("offences", i)
		}
	}
	if c.f.ContactWithChildren == Yes {
		why = append(why, "the person has contact with children")
		if ptr == "" {
			ptr = "/contactWithChildren"
		}
	}
	if len(why) == 0 {
		return
	}
	because := strings.Join(why, "; ")
	c.say("CHILDREN-PPRC", NoCategory, ptr,
		"The person is not a MAPPA offender, but %s. That is not the end: the Persons Posing a Risk to Children route applies, and the front door should consider child protection procedures.", because)
	c.followUps = append(c.followUps, FollowUp{Kind: ConsiderChildProtection, Route: "Persons Posing a Risk to Children",
		Who: "the front door", Why: fmt.Sprintf("Not a MAPPA offender, but %s.", because)})
}
