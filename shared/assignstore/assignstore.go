// Package assignstore keeps who is assigned to which case, and who is in
// whose team, in the cases table, for the row rules of shared/access
// (it implements access.Assignments).
//
// Items (docs/data-model.md):
//
//	assignment  pk CASE#<caseId>         sk ASSIGNEE#<subject>#<kind>   gsi1pk ASSIGNEE#<subject>  gsi1sk CASE#<caseId>#<kind>
//	team member pk TEAM#<managerSubject> sk MEMBER#<subject>
//
// The cases of a person are one Query of gsi1; a manager's team is one
// Query of its partition. No scan.
package assignstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// Kind says why someone is assigned to a case.
type Kind string

// Assignment kinds.
const (
	// KindChildWorker: the allocated social worker of a child of the case.
	KindChildWorker Kind = "child-worker"
	// KindMeeting: invited to a MAPPA meeting about the person.
	KindMeeting Kind = "meeting"
	// KindManager: the service manager or head of service the rota
	// assigned (with continuity).
	KindManager Kind = "manager"
)

// DB is the part of DynamoDB the store uses.
type DB interface {
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// Store reads and writes assignments in the cases table.
type Store struct {
	DB    DB
	Table string // the cases table
}

// Assign records that subject is assigned to caseID as kind (idempotent).
func (s Store) Assign(ctx context.Context, caseID, subject string, kind Kind, at time.Time) error {
	_, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: map[string]types.AttributeValue{
		"pk": dynamo.S("CASE#" + caseID), "sk": dynamo.S("ASSIGNEE#" + subject + "#" + string(kind)),
		"gsi1pk": dynamo.S("ASSIGNEE#" + subject), "gsi1sk": dynamo.S("CASE#" + caseID + "#" + string(kind)),
		"type": dynamo.S("assignment"), "caseId": dynamo.S(caseID), "subject": dynamo.S(subject), "kind": dynamo.S(string(kind)),
		"since": dynamo.S(at.UTC().Format(time.RFC3339)),
	}})
	if err != nil {
		return fmt.Errorf("assignstore: assign: %w", err)
	}
	return nil
}

// Unassign removes one assignment (no error if there was none).
func (s Store) Unassign(ctx context.Context, caseID, subject string, kind Kind) error {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: map[string]types.AttributeValue{
		"pk": dynamo.S("CASE#" + caseID), "sk": dynamo.S("ASSIGNEE#" + subject + "#" + string(kind)),
	}})
	if err != nil {
		return fmt.Errorf("assignstore: unassign: %w", err)
	}
	return nil
}

// AddToTeam records that manager oversees member.
func (s Store) AddToTeam(ctx context.Context, manager, member string) error {
	_, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: map[string]types.AttributeValue{
		"pk": dynamo.S("TEAM#" + manager), "sk": dynamo.S("MEMBER#" + member),
		"type": dynamo.S("team-member"), "manager": dynamo.S(manager), "subject": dynamo.S(member),
	}})
	if err != nil {
		return fmt.Errorf("assignstore: team: %w", err)
	}
	return nil
}

// CasesOf implements access.Assignments: one gsi1 Query per subject.
func (s Store) CasesOf(ctx context.Context, subjects []string) ([]string, error) {
	var out []string
	for _, sub := range subjects {
		items, err := s.query(ctx, aws.String("gsi1"), "gsi1pk", "ASSIGNEE#"+sub)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if v, ok := it["caseId"].(*types.AttributeValueMemberS); ok && !slices.Contains(out, v.Value) {
				out = append(out, v.Value)
			}
		}
	}
	return out, nil
}

// Team implements access.Assignments.
func (s Store) Team(ctx context.Context, manager string) ([]string, error) {
	items, err := s.query(ctx, nil, "pk", "TEAM#"+manager)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, it := range items {
		if v, ok := it["sk"].(*types.AttributeValueMemberS); ok {
			out = append(out, strings.TrimPrefix(v.Value, "MEMBER#"))
		}
	}
	return out, nil
}

func (s Store) query(ctx context.Context, index *string, keyName, key string) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	var start map[string]types.AttributeValue
	for {
		res, err := s.DB.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(s.Table), IndexName: index,
			KeyConditionExpression:    aws.String("#k = :k"),
			ExpressionAttributeNames:  map[string]string{"#k": keyName},
			ExpressionAttributeValues: map[string]types.AttributeValue{":k": dynamo.S(key)},
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return nil, fmt.Errorf("assignstore: query %s: %w", key, err)
		}
		out = append(out, res.Items...)
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}
