package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// DemoCaseCRN is the CRN of the demo person whose case gets an associated
// child and level 2 (the first demo referral).
const DemoCaseCRN = "D100001"

// DemoChildCouncilNumber is the demo child's council number.
const DemoChildCouncilNumber = "DEMO-C-1001"

// DemoCaseID returns the id of the demo case (by its CRN claim).
func DemoCaseID(ctx context.Context, db dynamo.Client, tables dynamo.Tables) (string, error) {
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tables.Cases),
		Key: dynamo.Key{PK: "IDENT#crn#" + DemoCaseCRN, SK: "IDENT"}.Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return "", fmt.Errorf("seed: demo case: %w", err)
	}
	if out.Item == nil {
		return "", errors.New("seed: the demo case is not there (demo referral 1 not posted?)")
	}
	id, ok := out.Item["caseId"].(*types.AttributeValueMemberS)
	if !ok || id.Value == "" {
		return "", errors.New("seed: the demo case's CRN claim names no case")
	}
	return id.Value, nil
}

// SeedCasePlan gives the demo case its associated child (open to
// children's social care, allocated to a demo social worker, with a demo
// team manager), confirms it at level 2 (which tells a service manager
// through the rota function), and sets the area's panel days: the second
// and fourth Thursday of the next six months. The demo case is marked
// accepted (its supervision falls due in 4 weeks). Safe to run again: the
// child is matched by council number and the level is set only once.
// errAlreadySet: the demo case has its level already (seeded before).
var errAlreadySet = errors.New("seed: level already set")

func SeedCasePlan(ctx context.Context, db dynamo.Client, tables dynamo.Tables, now time.Time) error {
	caseID, err := DemoCaseID(ctx, db, tables)
	if err != nil {
		return err
	}
	clk := clock.NewFixed(now)
	ms := meetingstore.New(db, meetingstore.TablesFrom(tables), clk)
	child := meeting.Child{ID: "demo-child-1", GivenNames: "Bea", FamilyName: "Sample", DateOfBirth: civil.New(2017, 9, 12),
		CouncilNumber: DemoChildCouncilNumber, Relationship: "Daughter of the person's former partner", OpenToCSC: true,
		SocialWorkerID: SocialWorker1, SupervisorID: TeamManager1, Team: "Exampleton Children in Need team", UpdatedAt: now, UpdatedBy: "system:seed"}
	eff := meetingstore.Effects{Assign: []meetingstore.Assignment{
		{CaseID: caseID, Subject: SocialWorker1, Kind: assignstore.KindChildWorker},
		{CaseID: caseID, Subject: TeamManager1, Kind: assignstore.KindChildWorker},
	}}
	if _, _, err := ms.SaveChild(ctx, meetingstore.ChildChange{CaseID: caseID, Child: child, New: true, Effects: eff}); err != nil {
		return fmt.Errorf("seed: demo child: %w", err)
	}
	st := store.New(db, tables, clk)
	_, err = st.UpdateCase(ctx, caseID, func(c *store.Case) (store.CaseEffects, error) {
		if c.Level != 0 {
			return store.CaseEffects{}, errAlreadySet
		}
		l := referral.LevelChange{ID: "seed-level-" + caseID, Action: referral.LevelSet, Level: 2, SuggestedLevel: c.SuggestedLevel(),
			Reason: "Demo data: confirmed at level 2.", Actor: "system:seed", At: now}
		e := audit.Entry{ID: "seed-level-" + caseID, At: now, Actor: "system:seed", Action: audit.ActionCaseLevel, Subject: "case:" + caseID, CaseID: caseID, Reason: "seed"}
		c.Level = 2
		// Accepted: the council's case from now on (the rota gives its
		// service manager the supervision, due in 4 weeks).
		if c.AcceptedAt.IsZero() {
			c.AcceptedAt = now
		}
		return store.CaseEffects{Effects: aggregate.Effects{Audit: []audit.Entry{e}}, Level: &l}, nil
	})
	if err != nil && !errors.Is(err, errAlreadySet) && !errors.Is(err, store.ErrVersionConflict) {
		return fmt.Errorf("seed: demo level: %w", err)
	}
	var days []civil.Date
	first := civil.Today(now)
	for m := range 6 {
		start := civil.New(first.Year, first.Month, 1).AddMonths(m)
		n := 0
		for d := start; d.Month == start.Month; d = d.AddDays(1) {
			if d.Weekday() == time.Thursday {
				n++
				if n == 2 || n == 4 {
					days = append(days, d)
				}
			}
		}
	}
	return ms.SetPanelDays(ctx, days, meetingstore.Effects{})
}

// StaffDetails are the demo staff's team, line manager and DBS check.
func StaffDetails(now time.Time) map[string]staff.Person {
	today := civil.Today(now)
	p := func(team, manager string, dbsMonthsAgo int) staff.Person {
		checked := today.AddMonths(-dbsMonthsAgo)
		return staff.Person{Team: team, LineManager: manager, DBSCheckedOn: checked, DBSNextDue: checked.AddYears(staff.DBSIntervalYears)}
	}
	return map[string]staff.Person{
		BSO1: p("MAPPA business support", ServiceMgr1, 10), BSO2: p("MAPPA business support", ServiceMgr1, 34),
		SocialWorker1: p("Exampleton Children in Need team", TeamManager1, 5), SocialWorker2: p("Exampleton Children in Need team", TeamManager1, 20),
		SocialWorker3: p("Exampleton Child Protection team", TeamManager2, 30), TeamManager1: p("Exampleton Children in Need team", ServiceMgr1, 12),
		TeamManager2: p("Exampleton Child Protection team", ServiceMgr2, 18), ServiceMgr1: p("Children's social care", HeadOfService1, 7),
		ServiceMgr2: p("Children's social care", HeadOfService1, 25), ServiceMgr3: p("Children's social care", HeadOfService2, 14),
		HeadOfService1: p("Children's services", AD1, 9), HeadOfService2: p("Children's services", AD1, 29),
		AD1: p("Children's services", "", 11), Admin1: p("Digital services", "", 3),
	}
}
