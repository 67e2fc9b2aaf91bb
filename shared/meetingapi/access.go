package meetingapi

import (
	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/auth"
)

var (
	caseWorkers = []auth.Role{auth.RoleBSO, auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService}
	allStaff    = auth.Roles
	bso         = []auth.Role{auth.RoleBSO}
	keepers     = []auth.Role{auth.RoleBSO, auth.RoleAdmin}
)

// The access matrix rows of the meetings API (shared/access,
// docs/security.md).
func init() {
	r := func(route string, roles []auth.Role, rows access.Rows, why string) access.Rule {
		return access.Rule{Route: route, Policy: auth.Staff(roles...), Rows: rows, Why: why}
	}
	access.Add(
		r(RouteCaseMeetings, caseWorkers, access.RowsCases, "A case's meetings: business support officers, and social workers, team managers, service managers and heads of service where they may see the case."),
		r(RouteCaseMeetingNew, bso, access.RowsCases, "Business support officers record meetings: they run the inbox and the rota."),
		r(RouteCaseChildren, caseWorkers, access.RowsCases, "The children associated with a case, for those who may see the case."),
		r(RouteCaseChildNew, caseWorkers, access.RowsCases, "Business support officers and the case's social workers and managers enter the children associated with it."),
		r(RouteCaseChildEdit, caseWorkers, access.RowsCases, "As entering a child."),
		r(RouteCaseWork, caseWorkers, access.RowsCases, "A case's actions and tasks, for those who may see the case."),
		r(RouteCaseMarker, bso, access.RowsCases, "MAPPA marker requests go to the business support officers' mailbox: they record them."),
		r(RouteActionClose, caseWorkers, access.RowsCases, "Those who may see the case close its actions with a reason."),
		r(RouteTaskClose, caseWorkers, access.RowsCases, "Those who may see the case close its tasks with a reason."),
		r(RouteMeetings, caseWorkers, access.RowsCases, "Meetings between two dates: business support officers see all; others only meetings of cases they may see."),
		r(RouteMeetingGet, caseWorkers, access.RowsCases, "A meeting, for those who may see its case."),
		r(RouteMeetingMove, bso, access.RowsCases, "Business support officers move meetings (kept in history with the reason)."),
		r(RouteMeetingCancel, bso, access.RowsCases, "Business support officers cancel meetings with a reason."),
		r(RouteMeetingReassign, bso, access.RowsCases, "Business support officers reassign a place at a meeting with a reason (S2: they route invitations by the rota)."),
		r(RouteMeetingChecklist, caseWorkers, access.RowsCases, "Attendees tick their own checklist; business support officers may tick for them."),
		r(RouteMeetingExcuse, bso, access.RowsCases, "Business support officers record an excusal with who agreed (the chair or the lead agency)."),
		r(RouteMeetingAction, caseWorkers, access.RowsCases, "Those who may see the case record the actions agreed at its meetings."),
		r(RouteMeetingHeld, bso, access.RowsCases, "Business support officers record that a meeting was held."),
		r(RouteMyMeetings, caseWorkers, access.RowsCases, "Everyone who attends meetings sees their own (they are assigned to those cases)."),
		r(RouteMyWork, caseWorkers, access.RowsCases, "Everyone sees the actions and tasks they own."),
		r(RoutePeople, allStaff, access.RowsNone, "The staff directory (names, roles, teams, leave) holds no case data: every member of staff may see it."),
		r(RoutePersonNew, keepers, access.RowsNone, "Business support officers and administrators keep the staff directory."),
		r(RoutePersonGet, allStaff, access.RowsCases, "A person's profile and leave; the individuals they hold are listed only where the caller may see those cases."),
		r(RoutePersonEdit, keepers, access.RowsNone, "Business support officers and administrators keep the staff directory."),
		r(RouteLeaveNew, keepers, access.RowsNone, "Business support officers and administrators record leave (the rota reads it)."),
		r(RouteLeaveDelete, keepers, access.RowsNone, "As recording leave."),
		r(RouteRota, allStaff, access.RowsCases, "The rotas with each person's load; the individuals they hold are listed only where the caller may see those cases."),
		r(RouteRotaEdit, keepers, access.RowsNone, "Business support officers and administrators keep the rota of service managers and heads of service."),
		r(RoutePanelDays, allStaff, access.RowsNone, "The area's panel days hold no case data."),
		r(RoutePanelDaysEdit, keepers, access.RowsNone, "Business support officers and administrators set the panel days."),
	)
}
