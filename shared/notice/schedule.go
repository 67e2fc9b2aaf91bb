package notice

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/attendance"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/ical"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/replylink"
)

// Audit actions of this package.
const (
	ActionSchedule   audit.Action = "meeting.invite"
	ActionCancel     audit.Action = "meeting.cancel"
	ActionReply      audit.Action = "meeting.reply"
	ActionAttendance audit.Action = "meeting.attendance"
	ActionReport     audit.Action = "meeting.report"
	ActionRead       audit.Action = "meeting.read"
)

// ChaseAfterWorkingDays: an invitation still unanswered this many working
// days after it went is chased (product policy).
const ChaseAfterWorkingDays = 3

// ReportChaseDays: a written report that is due is first chased this many
// days before the meeting, then every day until it arrives (product policy).
const ReportChaseDays = 5

// Schedule invites people to a meeting, or brings the invitations up to
// date after a change: a new meeting sends REQUEST invitations (SEQUENCE 0);
// a change of time, place or level raises the sequence and sends updates to
// everyone still invited; people added are invited; people removed get a
// cancellation. Nothing changed sends nothing. A short-notice meeting
// (by the one notice rule, cadence.CheckNotice) is marked urgent and the single point of contact is told.
func (s *Service) Schedule(ctx context.Context, actor string, in Meeting, invitees []Invitee) (Meeting, error) {
	m, writes, err := s.Plan(ctx, actor, in, invitees)
	if err != nil || len(writes) == 0 {
		return m, err
	}
	if err := s.commit(ctx, writes); err != nil {
		return Meeting{}, err
	}
	return m, nil
}

// Plan is Schedule without the commit: the meeting as it will be and the
// writes that bring its invitations up to date (none when nothing
// changed), for a caller that commits them in its own transaction (the
// reminders sweep's invitation check). The meeting's write is conditional
// on the version read, so a plan overtaken by another change fails.
func (s *Service) Plan(ctx context.Context, actor string, in Meeting, invitees []Invitee) (Meeting, []types.TransactWriteItem, error) {
	if err := s.validate(in, invitees); err != nil {
		return Meeting{}, nil, err
	}
	now := s.Clock.Now()
	cur, invs, err := s.Get(ctx, in.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Meeting{}, nil, err
	}
	if exists && cur.Status == StatusCancelled {
		return Meeting{}, nil, ErrCancelled
	}
	m := in
	m.Status = StatusScheduled
	m.ShortNotice = cadence.Default().CheckNotice(civil.Today(m.Start), civil.Today(now)).Short
	byStaff := map[string]Invitation{}
	for _, inv := range invs {
		byStaff[inv.StaffID] = inv
	}
	changed := !exists
	if exists {
		m.Sequence, m.Version, m.ReportReceived = cur.Sequence, cur.Version, cur.ReportReceived
		m.ShortNotice = cur.ShortNotice || m.ShortNotice
		if !cur.Start.Equal(m.Start) || !cur.End.Equal(m.End) || cur.Location != m.Location || cur.Level != m.Level || cur.ChairEmail != m.ChairEmail {
			changed = true
			m.Sequence++
		}
	}
	var writes []types.TransactWriteItem
	var emails int
	wanted := map[string]bool{}
	for _, p := range invitees {
		wanted[p.StaffID] = true
		inv, had := byStaff[p.StaffID]
		if had && !inv.Removed && !changed && inv.SentSequence == m.Sequence && inv.Email == p.Email {
			continue // already invited to this version
		}
		prev := inv.Version
		if !had {
			inv = Invitation{ID: p.StaffID, MeetingID: m.ID, Reply: attendance.ReplyAwaiting, SentSequence: -1}
		}
		if inv.Removed {
			inv.Removed, inv.Reply, inv.Instead, inv.Deputy = false, attendance.ReplyAwaiting, "", ""
		}
		inv.StaffID, inv.Email, inv.Role, inv.LineManagerEmail = p.StaffID, p.Email, p.Role, p.LineManagerEmail
		kind := outbox.KindMeetingInvite
		if inv.SentSequence >= 0 {
			kind = outbox.KindMeetingUpdate
		}
		msg, err := s.invitationEmail(m, inv, kind)
		if err != nil {
			return Meeting{}, nil, err
		}
		inv.SentSequence = m.Sequence
		inv.Version = prev + 1
		w, err := s.invitePut(inv, prev)
		if err != nil {
			return Meeting{}, nil, err
		}
		writes = append(writes, w, outbox.Enqueue(s.Tables.Outbox, msg, now))
		emails++
		if d, ok := s.chaseItem(m, inv, now); ok {
			w, err := due.Put(s.Tables.Cases, d)
			if err != nil {
				return Meeting{}, nil, err
			}
			writes = append(writes, w)
		}
	}
	for _, inv := range invs {
		if wanted[inv.StaffID] || inv.Removed {
			continue
		}
		if !changed {
			m.Sequence++
			changed = true
		}
		prev := inv.Version
		inv.Removed = true
		inv.Version = prev + 1
		msg, err := s.cancelEmail(m, inv)
		if err != nil {
			return Meeting{}, nil, err
		}
		w, err := s.invitePut(inv, prev)
		if err != nil {
			return Meeting{}, nil, err
		}
		writes = append(writes, w, outbox.Enqueue(s.Tables.Outbox, msg, now))
	}
	if len(writes) == 0 && !changed {
		return cur, nil, nil
	}
	if m.ShortNotice && emails > 0 {
		msg, err := s.spocEmail(m)
		if err != nil {
			return Meeting{}, nil, err
		}
		writes = append(writes, outbox.Enqueue(s.Tables.Outbox, msg, now))
	}
	for _, d := range s.meetingItems(m, now) {
		w, err := due.Put(s.Tables.Cases, d)
		if err != nil {
			return Meeting{}, nil, err
		}
		writes = append(writes, w)
	}
	prev := m.Version
	m.Version++
	mw, err := s.meetingPut(m, prev)
	if err != nil {
		return Meeting{}, nil, err
	}
	writes = append([]types.TransactWriteItem{mw}, writes...)
	writes = append(writes, s.audit(actor, ActionSchedule, m, "sequence "+itoa(m.Sequence)))
	return m, writes, nil
}

// Cancel cancels a meeting: every invited person gets a METHOD:CANCEL with
// the next sequence, and the meeting's reminders stop (each due item checks
// the meeting before it sends).
func (s *Service) Cancel(ctx context.Context, actor, meetingID string) (Meeting, error) {
	m, invs, err := s.Get(ctx, meetingID)
	if err != nil {
		return Meeting{}, err
	}
	if m.Status == StatusCancelled {
		return m, nil
	}
	now := s.Clock.Now()
	prev := m.Version
	m.Status, m.Sequence, m.Version = StatusCancelled, m.Sequence+1, m.Version+1
	mw, err := s.meetingPut(m, prev)
	if err != nil {
		return Meeting{}, err
	}
	writes := []types.TransactWriteItem{mw}
	for _, inv := range invs {
		if inv.Removed || inv.SentSequence < 0 {
			continue
		}
		msg, err := s.cancelEmail(m, inv)
		if err != nil {
			return Meeting{}, err
		}
		writes = append(writes, outbox.Enqueue(s.Tables.Outbox, msg, now))
	}
	writes = append(writes, s.audit(actor, ActionCancel, m, "sequence "+itoa(m.Sequence)))
	if err := s.commit(ctx, writes); err != nil {
		return Meeting{}, err
	}
	return m, nil
}

func (s *Service) validate(m Meeting, invitees []Invitee) error {
	var errs []string
	if !idPattern.MatchString(m.ID) {
		errs = append(errs, "meeting id")
	}
	if m.CaseID != "" && !idPattern.MatchString(m.CaseID) {
		errs = append(errs, "case id")
	}
	if m.CaseRef == "" || !idPattern.MatchString(strings.ReplaceAll(m.CaseRef, "/", "-")) {
		errs = append(errs, "case reference")
	}
	if m.Level < 1 || m.Level > 3 {
		errs = append(errs, "level")
	}
	if m.Start.IsZero() || !m.End.After(m.Start) {
		errs = append(errs, "start and end")
	}
	if m.ChairEmail != "" {
		if a, err := mail.ParseAddress(m.ChairEmail); err != nil || a.Address != m.ChairEmail {
			errs = append(errs, "chair email")
		}
	}
	if len(m.Location) > 120 || strings.ContainsAny(m.Location, "\r\n") {
		errs = append(errs, "location")
	}
	if len(invitees) > 20 {
		errs = append(errs, "at most 20 invitees")
	}
	seen := map[string]bool{}
	for _, p := range invitees {
		if !idPattern.MatchString(p.StaffID) || seen[p.StaffID] {
			errs = append(errs, "invitee id")
		}
		seen[p.StaffID] = true
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			errs = append(errs, "invitee email")
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(errs, ", "))
	}
	return nil
}

func (s *Service) uid(m Meeting) string {
	d := s.Settings.UIDDomain
	if d == "" {
		if u, err := url.Parse(s.Settings.AppURL); err == nil {
			d = u.Hostname()
		}
	}
	return "mappa-meeting-" + m.ID + "@" + d
}

// MeetingPath is the app path of a meeting's replies and attendance.
func MeetingPath(id string) string { return "/meetings/" + id + "/attendance" }

// ReplyPath is the app path a reply link opens.
const ReplyPath = "/reply/"

func (s *Service) calendar(m Meeting, to string, cancel bool) ([]byte, error) {
	ev := ical.Event{
		UID: s.uid(m), Sequence: m.Sequence, Stamp: s.Clock.Now(), Start: m.Start, End: m.End,
		Summary:     fmt.Sprintf("MAPPA level %d meeting: case %s", m.Level, m.CaseRef),
		Location:    m.Location,
		Description: "Case reference: " + m.CaseRef + "\nDetails and replies: " + strings.TrimSuffix(s.Settings.AppURL, "/") + MeetingPath(m.ID),
		URL:         strings.TrimSuffix(s.Settings.AppURL, "/") + MeetingPath(m.ID),
		Organizer:   s.Settings.MailFrom, OrganizerName: "MAPPA Coordinator",
		Attendees: []ical.Attendee{{Email: to}},
	}
	if cancel {
		return ical.Cancel(ev)
	}
	return ical.Request(ev)
}

func (s *Service) replyLinks(m Meeting, inv Invitation) (string, string, error) {
	exp := replylink.ExpiryFor(m.End, ical.London)
	acc, err := replylink.Sign(s.Keys, m.ID, inv.ID, replylink.Accept, m.Sequence, exp)
	if err != nil {
		return "", "", err
	}
	dec, err := replylink.Sign(s.Keys, m.ID, inv.ID, replylink.Decline, m.Sequence, exp)
	if err != nil {
		return "", "", err
	}
	base := strings.TrimSuffix(s.Settings.AppURL, "/") + ReplyPath
	return base + acc, base + dec, nil
}

func (s *Service) invitationEmail(m Meeting, inv Invitation, kind outbox.Kind) (outbox.Message, error) {
	cal, err := s.calendar(m, inv.Email, false)
	if err != nil {
		return outbox.Message{}, err
	}
	acc, dec, err := s.replyLinks(m, inv)
	if err != nil {
		return outbox.Message{}, err
	}
	return outbox.NewMeetingEmail(outbox.MeetingNotice{
		ID: "invite-" + m.ID + "-" + inv.ID + "-s" + itoa(m.Sequence), Kind: kind, To: []string{inv.Email},
		CaseRef: m.CaseRef, Level: m.Level, Start: m.Start, Urgent: m.ShortNotice,
		AppURL: s.Settings.AppURL, Path: MeetingPath(m.ID), AcceptURL: acc, DeclineURL: dec, Calendar: cal,
	})
}

func (s *Service) cancelEmail(m Meeting, inv Invitation) (outbox.Message, error) {
	cal, err := s.calendar(m, inv.Email, true)
	if err != nil {
		return outbox.Message{}, err
	}
	return outbox.NewMeetingEmail(outbox.MeetingNotice{
		ID: "cancel-" + m.ID + "-" + inv.ID + "-s" + itoa(m.Sequence), Kind: outbox.KindMeetingCancel, To: []string{inv.Email},
		CaseRef: m.CaseRef, Level: m.Level, Start: m.Start,
		AppURL: s.Settings.AppURL, Path: MeetingPath(m.ID), Calendar: cal,
	})
}

func (s *Service) spocEmail(m Meeting) (outbox.Message, error) {
	to := s.Settings.SPOC
	if to == "" {
		to = s.Settings.MappaInbox
	}
	cal, err := s.calendar(m, to, false)
	if err != nil {
		return outbox.Message{}, err
	}
	return outbox.NewMeetingEmail(outbox.MeetingNotice{
		ID: "invite-" + m.ID + "-spoc-s" + itoa(m.Sequence), Kind: outbox.KindMeetingInvite, To: []string{to},
		CaseRef: m.CaseRef, Level: m.Level, Start: m.Start, Urgent: true,
		AppURL: s.Settings.AppURL, Path: MeetingPath(m.ID), Calendar: cal,
	})
}

// meetingItems are the meeting's reminders: 7 days and 1 day before, the
// written-report check, and the day after (attendance). Each carries the
// meeting's date (DueOn); a reminder for a date the meeting has moved from
// does nothing.
func (s *Service) meetingItems(m Meeting, now time.Time) []due.Item {
	today := civil.Today(now)
	day := civil.Today(m.Start)
	var out []due.Item
	add := func(d civil.Date, kind due.Kind) {
		if d.Before(today) {
			return
		}
		out = append(out, due.Item{Day: d, Kind: kind, Ref: m.ID, MeetingID: m.ID, CaseID: m.CaseID, CaseRef: m.CaseRef,
			Path: MeetingPath(m.ID), DueOn: day.String()})
	}
	add(day.AddDays(-7), due.KindRemind7)
	add(day.AddDays(-1), due.KindRemind1)
	rep := day.AddDays(-ReportChaseDays)
	if rep.Before(today) {
		rep = today
	}
	if rep.Before(day) {
		add(rep, due.KindReport)
	}
	add(s.Calendar.NextWorkingDay(day), due.KindAttendance)
	return out
}

func (s *Service) chaseItem(m Meeting, inv Invitation, now time.Time) (due.Item, bool) {
	d := s.Calendar.AddWorkingDays(civil.Today(now), ChaseAfterWorkingDays)
	day := civil.Today(m.Start)
	if !d.Before(day) {
		d = day.AddDays(-1)
	}
	if !civil.Today(now).Before(d) {
		return due.Item{}, false
	}
	return due.Item{Day: d, Kind: due.KindChase, Ref: m.ID + "." + inv.ID, MeetingID: m.ID, InvitationID: inv.ID,
		CaseID: m.CaseID, CaseRef: m.CaseRef, Path: MeetingPath(m.ID), DueOn: day.String()}, true
}
