package meetingstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/meeting"
)

func childItem(c meeting.Child) (item, error) {
	c.Relationship = "" // per case, on the link
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("meetingstore: encode child: %w", err)
	}
	it := withKey(ChildKey(c.ID), item{
		"type": dynamo.S("child"), "id": dynamo.S(c.ID), "version": dynamo.N(int64(c.Version)), "body": dynamo.S(string(body)),
	})
	if c.CouncilNumber != "" {
		it["councilNumber"] = dynamo.S(c.CouncilNumber)
	}
	return it, nil
}

func childFrom(it item) (meeting.Child, error) {
	var c meeting.Child
	if err := json.Unmarshal([]byte(str(it, "body")), &c); err != nil {
		return meeting.Child{}, fmt.Errorf("meetingstore: decode child %s: %w", str(it, "id"), err)
	}
	c.Version = num(it, "version")
	return c, nil
}

func childLinkItem(caseID string, c meeting.Child) item {
	return withKey(ChildLinkKey(caseID, c.ID), item{
		"type": dynamo.S("child-link"), "caseId": dynamo.S(caseID), "childId": dynamo.S(c.ID),
		"relationship": dynamo.S(c.Relationship),
		"gsi1pk":       dynamo.S("CHILD#" + c.ID), "gsi1sk": dynamo.S("CASE#" + caseID),
	})
}

// ChildChange is a child to save on a case.
type ChildChange struct {
	CaseID string
	// Child holds the entered details; Child.ID is the new id for a new
	// child, or the child being changed.
	Child meeting.Child
	// New: add the child to the case (matched by council number when one
	// is given); otherwise change the child, conditional on ExpectedVersion.
	New             bool
	ExpectedVersion int
	Effects         Effects
}

// SaveChild adds or changes an associated child. A new child whose council
// number belongs to an existing child record is matched to it: the case is
// linked to that child and its details updated (matched is true). The
// council number claim (CHILDNO#<n>) makes one number belong to one child.
func (s *Store) SaveChild(ctx context.Context, ch ChildChange) (saved meeting.Child, matched bool, err error) {
	c := ch.Child
	var existing *meeting.Child
	if ch.New && c.CouncilNumber != "" {
		it, err := s.get(ctx, s.t.Meetings, childNumberKey(c.CouncilNumber))
		if err == nil {
			old, err := s.getChild(ctx, str(it, "childId"))
			if err != nil {
				return meeting.Child{}, false, err
			}
			existing, matched = &old, true
		} else if !errors.Is(err, ErrNotFound) {
			return meeting.Child{}, false, err
		}
	}
	var items []types.TransactWriteItem
	switch {
	case existing != nil:
		c.ID, c.Version = existing.ID, existing.Version+1
		it, err := childItem(c)
		if err != nil {
			return meeting.Child{}, false, err
		}
		items = append(items, versioned(s.t.Meetings, it, existing.Version), put(s.t.Meetings, childLinkItem(ch.CaseID, c), "", nil))
	case ch.New:
		c.Version = 1
		it, err := childItem(c)
		if err != nil {
			return meeting.Child{}, false, err
		}
		items = append(items, put(s.t.Meetings, it, "attribute_not_exists(pk)", nil), put(s.t.Meetings, childLinkItem(ch.CaseID, c), "attribute_not_exists(pk)", nil))
		if c.CouncilNumber != "" {
			items = append(items, put(s.t.Meetings, withKey(childNumberKey(c.CouncilNumber), item{"type": dynamo.S("child-number"), "childId": dynamo.S(c.ID)}), "attribute_not_exists(pk)", nil))
		}
	default:
		old, err := s.getChild(ctx, c.ID)
		if err != nil {
			return meeting.Child{}, false, err
		}
		if ch.ExpectedVersion != 0 && ch.ExpectedVersion != old.Version {
			return meeting.Child{}, false, ErrVersionConflict
		}
		c.Version = old.Version + 1
		it, err := childItem(c)
		if err != nil {
			return meeting.Child{}, false, err
		}
		items = append(items, versioned(s.t.Meetings, it, old.Version), put(s.t.Meetings, childLinkItem(ch.CaseID, c), "attribute_exists(pk)", nil))
		if c.CouncilNumber != old.CouncilNumber {
			if old.CouncilNumber != "" {
				items = append(items, del(s.t.Meetings, childNumberKey(old.CouncilNumber)))
			}
			if c.CouncilNumber != "" {
				items = append(items, put(s.t.Meetings, withKey(childNumberKey(c.CouncilNumber), item{"type": dynamo.S("child-number"), "childId": dynamo.S(c.ID)}), "attribute_not_exists(pk)", nil))
			}
		}
	}
	eff, opt := s.effectItems(ch.Effects, s.clock.Now(), len(items))
	items = append(items, eff...)
	if err := s.transact(ctx, items, opt); err != nil {
		var cf conditionFailed
		if errors.As(err, &cf) {
			for _, i := range cf.indexes {
				if i >= 2 && i < len(items)-len(eff) {
					return meeting.Child{}, false, ErrCouncilNumberTaken
				}
			}
			if !ch.New {
				return meeting.Child{}, false, ErrVersionConflict
			}
			return meeting.Child{}, false, ErrExists
		}
		return meeting.Child{}, false, err
	}
	return c, matched, nil
}

func (s *Store) getChild(ctx context.Context, id string) (meeting.Child, error) {
	it, err := s.get(ctx, s.t.Meetings, ChildKey(id))
	if err != nil {
		return meeting.Child{}, err
	}
	return childFrom(it)
}

// Children returns the children associated with a case, with the
// relationship recorded for that case (Query CASE#<id> CHILD#, then
// BatchGetItem of the child records).
func (s *Store) Children(ctx context.Context, caseID string) ([]meeting.Child, error) {
	links, err := s.queryAll(ctx, s.t.Meetings, "CASE#"+caseID, "CHILD#")
	if err != nil || len(links) == 0 {
		return []meeting.Child{}, err
	}
	var keys []item
	rel := map[string]string{}
	for _, l := range links {
		rel[str(l, "childId")] = str(l, "relationship")
		keys = append(keys, ChildKey(str(l, "childId")).Attrs())
	}
	got := map[string]meeting.Child{}
	for start := 0; start < len(keys); start += 100 {
		req := map[string]types.KeysAndAttributes{s.t.Meetings: {Keys: keys[start:min(start+100, len(keys))], ConsistentRead: aws.Bool(true)}}
		for len(req) > 0 {
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, fmt.Errorf("meetingstore: children: %w", err)
			}
			for _, it := range res.Responses[s.t.Meetings] {
				c, err := childFrom(it)
				if err != nil {
					return nil, err
				}
				got[c.ID] = c
			}
			req = res.UnprocessedKeys
		}
	}
	out := make([]meeting.Child, 0, len(links))
	for _, l := range links {
		if c, ok := got[str(l, "childId")]; ok {
			c.Relationship = rel[c.ID]
			out = append(out, c)
		}
	}
	return out, nil
}

// CasesOfChild returns the ids of the cases a child is associated with
// (Query gsi1 CHILD#<id>).
func (s *Store) CasesOfChild(ctx context.Context, childID string) ([]string, error) {
	items, err := s.queryIndexAll(ctx, s.t.Meetings, "CHILD#"+childID, "CASE#")
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, str(it, "caseId"))
	}
	return out, nil
}
