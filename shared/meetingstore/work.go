package meetingstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/meeting"
)

// Owner keys on gsi1 for open actions and tasks: OWNER#<staffId>, or
// OWNER#ROLE#<role> for a task for everyone in a role.
func ownerKey(id, role string) string {
	if id != "" {
		return "OWNER#" + id
	}
	return "OWNER#ROLE#" + role
}

func actionItem(a meeting.Action) item {
	body, _ := json.Marshal(a)
	it := withKey(ActionKey(a.CaseID, a.ID), item{
		"type": dynamo.S("action"), "id": dynamo.S(a.ID), "caseId": dynamo.S(a.CaseID), "meetingId": dynamo.S(a.MeetingID),
		"status": dynamo.S(string(a.Status)), "version": dynamo.N(int64(a.Version)), "body": dynamo.S(string(body)),
	})
	if a.Status == meeting.Open && a.OwnerID != "" {
		it["gsi1pk"], it["gsi1sk"] = dynamo.S(ownerKey(a.OwnerID, "")), dynamo.S(a.Due.String()+"#ACTION#"+a.ID)
	}
	return it
}

func taskItem(t meeting.Task) item {
	if t.Version == 0 {
		t.Version = 1
	}
	body, _ := json.Marshal(t)
	it := withKey(TaskKey(t.CaseID, t.ID), item{
		"type": dynamo.S("task"), "id": dynamo.S(t.ID), "caseId": dynamo.S(t.CaseID), "kind": dynamo.S(string(t.Kind)),
		"status": dynamo.S(string(t.Status)), "version": dynamo.N(int64(t.Version)), "body": dynamo.S(string(body)),
	})
	if t.Status == meeting.Open {
		it["gsi1pk"], it["gsi1sk"] = dynamo.S(ownerKey(t.OwnerID, t.OwnerRole)), dynamo.S(t.Due.String()+"#TASK#"+t.ID)
	}
	return it
}

// TaskPut is the transaction item that writes task t into table (the
// meetings table), for writers outside this store that create a task in
// their own transaction (classification). The id must be deterministic.
func TaskPut(table string, t meeting.Task) types.TransactWriteItem {
	return put(table, taskItem(t), "", nil)
}

// CreateAction writes a new action with its effects.
func (s *Store) CreateAction(ctx context.Context, a meeting.Action, e Effects) (meeting.Action, error) {
	a.Version = 1
	items := []types.TransactWriteItem{put(s.t.Meetings, actionItem(a), "attribute_not_exists(pk)", nil)}
	eff, opt := s.effectItems(e, s.clock.Now(), 1)
	if err := s.transact(ctx, append(items, eff...), opt); err != nil {
		if isConditionFailed(err) {
			return meeting.Action{}, ErrExists
		}
		return meeting.Action{}, err
	}
	return a, nil
}

// CreateTask writes a task (idempotent: a task with that id is left as it
// is and returned).
func (s *Store) CreateTask(ctx context.Context, t meeting.Task, e Effects) (meeting.Task, error) {
	e.Tasks = append([]meeting.Task{t}, e.Tasks...)
	eff, opt := s.effectItems(e, s.clock.Now(), 0)
	if err := s.transact(ctx, eff, opt); err != nil {
		return meeting.Task{}, err
	}
	return s.GetTask(ctx, t.CaseID, t.ID)
}

// WriteEffects writes effects that belong to no record of this store (due
// items the rota schedules) in one transaction; idempotent effects already
// written are skipped.
func (s *Store) WriteEffects(ctx context.Context, e Effects) error {
	items, opt := s.effectItems(e, s.clock.Now(), 0)
	if len(items) == 0 {
		return nil
	}
	return s.transact(ctx, items, opt)
}

// GetTask reads a task.
func (s *Store) GetTask(ctx context.Context, caseID, id string) (meeting.Task, error) {
	it, err := s.get(ctx, s.t.Meetings, TaskKey(caseID, id))
	if err != nil {
		return meeting.Task{}, err
	}
	var t meeting.Task
	if err := json.Unmarshal([]byte(str(it, "body")), &t); err != nil {
		return meeting.Task{}, fmt.Errorf("meetingstore: decode task: %w", err)
	}
	t.Version = num(it, "version")
	return t, nil
}

// UpdateAction changes an action through fn: the read-modify-write of
// shared/aggregate (read, fn, one transaction conditional on the version
// read, read again after a lost race); fn's error is returned as is.
func (s *Store) UpdateAction(ctx context.Context, caseID, id string, fn func(*meeting.Action) (Effects, error)) (meeting.Action, error) {
	var out meeting.Action
	err := aggregate.Loop(ctx, s.retry, func(ctx context.Context) error {
		it, err := s.get(ctx, s.t.Meetings, ActionKey(caseID, id))
		if err != nil {
			return err
		}
		var a meeting.Action
		if err := json.Unmarshal([]byte(str(it, "body")), &a); err != nil {
			return fmt.Errorf("meetingstore: decode action: %w", err)
		}
		a.Version = num(it, "version")
		before := a.Version
		e, err := fn(&a)
		if err != nil {
			return aggregate.Abort(err)
		}
		a.Version = before + 1
		items := []types.TransactWriteItem{versioned(s.t.Meetings, actionItem(a), before)}
		eff, opt := s.effectItems(e, s.clock.Now(), 1)
		if err := s.commit(ctx, append(items, eff...), opt); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		return meeting.Action{}, conflict("action "+id, err)
	}
	return out, nil
}

// UpdateTask changes a task through fn, as UpdateAction does.
func (s *Store) UpdateTask(ctx context.Context, caseID, id string, fn func(*meeting.Task) (Effects, error)) (meeting.Task, error) {
	var out meeting.Task
	err := aggregate.Loop(ctx, s.retry, func(ctx context.Context) error {
		t, err := s.GetTask(ctx, caseID, id)
		if err != nil {
			return err
		}
		before := t.Version
		e, err := fn(&t)
		if err != nil {
			return aggregate.Abort(err)
		}
		t.Version = before + 1
		items := []types.TransactWriteItem{versioned(s.t.Meetings, taskItem(t), before)}
		eff, opt := s.effectItems(e, s.clock.Now(), 1)
		if err := s.commit(ctx, append(items, eff...), opt); err != nil {
			return err
		}
		out = t
		return nil
	})
	if err != nil {
		return meeting.Task{}, conflict("task "+id, err)
	}
	return out, nil
}

// CaseWork returns a case's actions and tasks (Query CASE#<id>, sk
// ACTION# and TASK#), oldest first.
func (s *Store) CaseWork(ctx context.Context, caseID string) ([]meeting.Action, []meeting.Task, error) {
	acts, err := s.queryAll(ctx, s.t.Meetings, "CASE#"+caseID, "ACTION#")
	if err != nil {
		return nil, nil, err
	}
	tasks, err := s.queryAll(ctx, s.t.Meetings, "CASE#"+caseID, "TASK#")
	if err != nil {
		return nil, nil, err
	}
	as, ts := make([]meeting.Action, 0, len(acts)), make([]meeting.Task, 0, len(tasks))
	for _, it := range acts {
		var a meeting.Action
		if err := json.Unmarshal([]byte(str(it, "body")), &a); err != nil {
			return nil, nil, fmt.Errorf("meetingstore: decode action: %w", err)
		}
		a.Version = num(it, "version")
		as = append(as, a)
	}
	for _, it := range tasks {
		var t meeting.Task
		if err := json.Unmarshal([]byte(str(it, "body")), &t); err != nil {
			return nil, nil, fmt.Errorf("meetingstore: decode task: %w", err)
		}
		t.Version = num(it, "version")
		ts = append(ts, t)
	}
	slices.SortFunc(as, func(a, b meeting.Action) int { return a.CreatedAt.Compare(b.CreatedAt) })
	slices.SortFunc(ts, func(a, b meeting.Task) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return as, ts, nil
}

// OpenWork lists the open actions and tasks owned by a person, or by
// everyone in a role (role non-empty, id empty), soonest due first (Query
// gsi1 OWNER#...).
func (s *Store) OpenWork(ctx context.Context, staffID, role string) ([]meeting.Action, []meeting.Task, error) {
	items, err := s.queryIndexAll(ctx, s.t.Meetings, ownerKey(staffID, role), "")
	if err != nil {
		return nil, nil, err
	}
	var as []meeting.Action
	var ts []meeting.Task
	for _, it := range items {
		switch {
		case strings.Contains(str(it, "gsi1sk"), "#ACTION#"):
			var a meeting.Action
			if json.Unmarshal([]byte(str(it, "body")), &a) == nil {
				a.Version = num(it, "version")
				as = append(as, a)
			}
		default:
			var t meeting.Task
			if json.Unmarshal([]byte(str(it, "body")), &t) == nil {
				t.Version = num(it, "version")
				ts = append(ts, t)
			}
		}
	}
	return as, ts, nil
}
