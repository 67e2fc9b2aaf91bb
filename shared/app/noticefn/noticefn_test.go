package noticefn

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// The reply-link keys come from SSM Parameter Store through one signed
// GetParameter request (SSM's JSON protocol), decrypted; a refusal is an
// error naming the parameter and SSM's error type, never the value.
func TestReplyKeysAreReadFromParameterStore(t *testing.T) {
	const keys = "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	var got struct {
		target, ctype, auth string
		body                map[string]any
	}
	refuse := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.target, got.ctype, got.auth = r.Header.Get("X-Amz-Target"), r.Header.Get("Content-Type"), r.Header.Get("Authorization")
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &got.body)
		if refuse {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"ParameterNotFound","message":"nope"}`))
			return
		}
		_, _ = w.Write([]byte(`{"Parameter":{"Name":"/mappa/reply-keys","Type":"SecureString","Value":"` + keys + `","Version":3}}`))
	}))
	defer srv.Close()
	old := ssmEndpoint
	ssmEndpoint = func(region string) string { return srv.URL + "/?region=" + region }
	defer func() { ssmEndpoint = old }()

	deps := wiring.Deps{Config: wiring.Config{ReplyKeysParameter: "/mappa/reply-keys"}, AWS: aws.Config{Region: "eu-west-2",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "token"}, nil
		})}}
	k, err := ReplyKeys(context.Background(), deps)
	if err != nil {
		t.Fatal(err)
	}
	if k.Current != "k1" || len(k.ByID["k1"]) != 32 {
		t.Errorf("keys %v", k)
	}
	if got.target != "AmazonSSM.GetParameter" || got.ctype != "application/x-amz-json-1.1" {
		t.Errorf("request target %q, content type %q", got.target, got.ctype)
	}
	if got.body["Name"] != "/mappa/reply-keys" || got.body["WithDecryption"] != true {
		t.Errorf("request body %v", got.body)
	}
	if !strings.HasPrefix(got.auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(got.auth, "/eu-west-2/ssm/aws4_request") {
		t.Errorf("not signed for SSM in eu-west-2: %q", got.auth)
	}

	refuse = true
	_, err = ReplyKeys(context.Background(), deps)
	if err == nil || !strings.Contains(err.Error(), "ParameterNotFound") || !strings.Contains(err.Error(), "/mappa/reply-keys") {
		t.Errorf("refusal: %v", err)
	}
}
