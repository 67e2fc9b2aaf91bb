package dynamo

import (
	"fmt"
	"strings"
)

// Tables holds the physical table names. On Lambda they come from the
// environment (template.yaml passes the CloudFormation names); locally and
// in tests the table bootstrap picks them.
type Tables struct {
	Cases     string
	Referrals string
	Outbox    string
	Audit     string
	Rota      string
	// Meetings holds meetings, attendance, associated children, actions
	// and tasks (shared/meetingstore).
	Meetings string
}

// Table names the environment variable of each table.
const (
	EnvCases     = "CASES_TABLE"
	EnvReferrals = "REFERRALS_TABLE"
	EnvOutbox    = "OUTBOX_TABLE"
	EnvAudit     = "AUDIT_TABLE"
	EnvRota      = "ROTA_TABLE"
	EnvMeetings  = "MEETINGS_TABLE"
)

// TablesFrom reads the table names through getenv (os.Getenv on Lambda, a
// map in tests). Names that are not set are left empty: each function's
// constructor asks with Require for the tables it uses, so a function is
// never refused start-up for a table it does not touch.
func TablesFrom(getenv func(string) string) Tables {
	return Tables{
		Cases:     getenv(EnvCases),
		Referrals: getenv(EnvReferrals),
		Outbox:    getenv(EnvOutbox),
		Audit:     getenv(EnvAudit),
		Rota:      getenv(EnvRota),
		Meetings:  getenv(EnvMeetings),
	}
}

// Require returns an error naming every variable in envs (EnvCases, ...)
// whose table name is empty.
func (t Tables) Require(envs ...string) error {
	names := map[string]string{
		EnvCases: t.Cases, EnvReferrals: t.Referrals, EnvOutbox: t.Outbox, EnvAudit: t.Audit, EnvRota: t.Rota,
		EnvMeetings: t.Meetings,
	}
	var missing []string
	for _, e := range envs {
		v, known := names[e]
		if !known || v == "" {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("dynamo: %s must be set", strings.Join(missing, ", "))
	}
	return nil
}
