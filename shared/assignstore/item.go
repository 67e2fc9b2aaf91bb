package assignstore

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// AssignmentItem is the item Assign writes, for callers that record an
// assignment inside their own transaction (the rota function, saving a
// child): same keys and attributes as Assign.
func AssignmentItem(caseID, subject string, kind Kind, at time.Time) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": dynamo.S("CASE#" + caseID), "sk": dynamo.S("ASSIGNEE#" + subject + "#" + string(kind)),
		"gsi1pk": dynamo.S("ASSIGNEE#" + subject), "gsi1sk": dynamo.S("CASE#" + caseID + "#" + string(kind)),
		"type": dynamo.S("assignment"), "caseId": dynamo.S(caseID), "subject": dynamo.S(subject), "kind": dynamo.S(string(kind)),
		"since": dynamo.S(at.UTC().Format(time.RFC3339)),
	}
}

// TeamItem is the item AddToTeam writes.
func TeamItem(manager, member string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": dynamo.S("TEAM#" + manager), "sk": dynamo.S("MEMBER#" + member),
		"type": dynamo.S("team-member"), "manager": dynamo.S(manager), "subject": dynamo.S(member),
	}
}
