package openapi

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mappa-coordinator/mappa/infra/template"
)

func TestDocumentIsValidOpenAPI(t *testing.T) {
	b, err := json.Marshal(Document())
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
}

// Every route API Gateway will route (template.yaml) is documented, and the
// document describes no route that does not exist.
func TestEveryTemplateRouteIsDocumented(t *testing.T) {
	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, op := range Operations() {
		documented[op.Method+" "+op.Path] = true
	}
	routed := map[string]bool{}
	for _, r := range tmpl.Routes() {
		key := r.Method + " " + r.Path
		if r.Method == "ANY" {
			continue // ANY /{proxy+}: every undeclared method answers 405 or 404; no operation
		}
		routed[key] = true
		if !documented[key] {
			t.Errorf("route %s (%s) is not in the OpenAPI document", key, r.Function)
		}
	}
	for key := range documented {
		if !routed[key] {
			t.Errorf("documented operation %s is not routed in template.yaml", key)
		}
	}
}

func TestReferralSchemaFollowsTheDecoderType(t *testing.T) {
	doc := Document()
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	ref, ok := schemas["Referral"].(map[string]any)
	if !ok {
		t.Fatal("no Referral schema")
	}
	props := ref["properties"].(map[string]any)
	for _, field := range []string{"agencyReference", "referringAgency", "person", "facts", "associatedChildren", "meetingInvitation", "levelRequested"} {
		if _, ok := props[field]; !ok {
			t.Errorf("Referral schema lacks %q", field)
		}
	}
	if ref["additionalProperties"] != false {
		t.Error("Referral schema must forbid unknown fields, as the decoder does")
	}
}
