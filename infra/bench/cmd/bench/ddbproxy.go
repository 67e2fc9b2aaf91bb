package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// call is one DynamoDB API call seen by the proxy.
type call struct {
	Op       string
	Took     time.Duration
	RCU, WCU float64
}

// ddbProxy sits between the system and DynamoDB Local: it asks every data
// call for its consumed capacity (ReturnConsumedCapacity TOTAL; DynamoDB
// Local does not check request signatures), and records how long each call
// took and the units it consumed.
type ddbProxy struct {
	target string
	srv    *http.Server
	URL    string

	mu    sync.Mutex
	calls []call
}

var capacityOps = map[string]bool{"GetItem": true, "PutItem": true, "UpdateItem": true, "DeleteItem": true, "Query": true,
	"TransactWriteItems": true, "TransactGetItems": true, "BatchGetItem": true, "BatchWriteItem": true, "Scan": true}

func startProxy(target string) (*ddbProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &ddbProxy{target: target, URL: "http://" + ln.Addr().String()}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func (p *ddbProxy) Close() { _ = p.srv.Close() }

// take returns and forgets the calls recorded so far.
func (p *ddbProxy) take() []call {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.calls
	p.calls = nil
	return c
}

func (p *ddbProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	target := r.Header.Get("X-Amz-Target")
	svc, op, _ := strings.Cut(target, ".")
	data := strings.HasPrefix(svc, "DynamoDB_") && capacityOps[op]
	if data {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			if _, set := m["ReturnConsumedCapacity"]; !set {
				m["ReturnConsumedCapacity"] = "TOTAL"
				body, _ = json.Marshal(m)
			}
		}
	}
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body)) //nolint:gosec // a benchmark proxy to DynamoDB Local on loopback
	for k, v := range r.Header {
		if k != "Content-Length" {
			req.Header[k] = v
		}
	}
	start := time.Now()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	took := time.Since(start)
	if data {
		c := call{Op: op, Took: took}
		var m struct {
			ConsumedCapacity json.RawMessage
		}
		if json.Unmarshal(out, &m) == nil && len(m.ConsumedCapacity) > 0 {
			var one capacity
			var many []capacity
			if json.Unmarshal(m.ConsumedCapacity, &many) != nil {
				_ = json.Unmarshal(m.ConsumedCapacity, &one)
				many = []capacity{one}
			}
			for _, x := range many {
				r, wu := x.ReadCapacityUnits, x.WriteCapacityUnits
				if r == 0 && wu == 0 {
					// Only the total: reads for read calls, writes for writes.
					if strings.Contains(op, "Get") || op == "Query" || op == "Scan" {
						r = x.CapacityUnits
					} else {
						wu = x.CapacityUnits
					}
				}
				c.RCU += r
				c.WCU += wu
			}
		}
		p.mu.Lock()
		p.calls = append(p.calls, c)
		p.mu.Unlock()
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

type capacity struct {
	CapacityUnits, ReadCapacityUnits, WriteCapacityUnits float64
}
