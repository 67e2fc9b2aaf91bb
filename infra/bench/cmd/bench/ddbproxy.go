package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	RCU, WCU float64 // consumed, table and indexes
	// IdxRCU and IdxWCU are the part of RCU and WCU consumed by indexes
	// (ReturnConsumedCapacity INDEXES).
	IdxRCU, IdxWCU float64
	// Items is how many items the call read (ScannedCount of a Query or
	// Scan, 1 for a GetItem that found one, the items a BatchGetItem or
	// TransactGetItems returned).
	Items int
	// MinRCU and MinWCU are the units the items the call touched cost by
	// DynamoDB's rules, without index writes: each item read at its size
	// (4 KB a unit, half for an eventually consistent read), each item put
	// at its size (1 KB a unit), an update, delete or condition check at
	// one unit (its item's size is not in the call: a lower bound),
	// everything doubled in a transaction. DynamoDB Local reports a
	// transaction's writes to a table as if they were one item (1, 3 or 5
	// puts of 100 bytes in one transaction all report 2 units), so for
	// transactions this is the better figure.
	MinRCU, MinWCU float64
	Written        int // items written (puts, updates, deletes)
	// target and body are the call as sent, for a raw replay.
	target string
	body   []byte
}

// ddbProxy sits between the system and DynamoDB Local: it asks every data
// call for its consumed capacity (ReturnConsumedCapacity INDEXES: the table
// and each index; DynamoDB Local does not check request signatures), and
// records how long each call took, the units it consumed and the items it
// read. Calls sent by replay (header X-Bench-Replay) pass through
// unrecorded.
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
	replay := r.Header.Get("X-Bench-Replay") != ""
	data := strings.HasPrefix(svc, "DynamoDB_") && capacityOps[op] && !replay
	if data {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			if _, set := m["ReturnConsumedCapacity"]; !set {
				m["ReturnConsumedCapacity"] = "INDEXES"
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
		c := call{Op: op, Took: took, target: target, body: body}
		var m struct {
			ConsumedCapacity json.RawMessage
			ScannedCount     *int
			Item             json.RawMessage
			Responses        json.RawMessage
		}
		if json.Unmarshal(out, &m) == nil {
			c.Items = itemsRead(op, m.ScannedCount, m.Item, m.Responses)
		}
		c.MinRCU, c.MinWCU, c.Written = floor(op, body, out)
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
				for _, g := range x.GlobalSecondaryIndexes {
					c.IdxRCU += g.ReadCapacityUnits
					c.IdxWCU += g.WriteCapacityUnits
					if g.ReadCapacityUnits == 0 && g.WriteCapacityUnits == 0 {
						if strings.Contains(op, "Get") || op == "Query" || op == "Scan" {
							c.IdxRCU += g.CapacityUnits
						} else {
							c.IdxWCU += g.CapacityUnits
						}
					}
				}
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

type units struct {
	CapacityUnits, ReadCapacityUnits, WriteCapacityUnits float64
}

type capacity struct {
	CapacityUnits, ReadCapacityUnits, WriteCapacityUnits float64
	GlobalSecondaryIndexes                               map[string]units
}

// itemsRead is how many items a call read, from its response.
func itemsRead(op string, scanned *int, item, responses json.RawMessage) int {
	switch op {
	case "Query", "Scan":
		if scanned != nil {
			return *scanned
		}
	case "GetItem":
		if len(item) > 2 && string(item) != "null" {
			return 1
		}
	case "BatchGetItem":
		var r map[string][]json.RawMessage
		if json.Unmarshal(responses, &r) == nil {
			n := 0
			for _, items := range r {
				n += len(items)
			}
			return n
		}
	case "TransactGetItems":
		var r []struct{ Item json.RawMessage }
		if json.Unmarshal(responses, &r) == nil {
			n := 0
			for _, x := range r {
				if len(x.Item) > 2 {
					n++
				}
			}
			return n
		}
	}
	return 0
}

// replay sends calls again, one after another, straight to DynamoDB Local
// through this proxy (unrecorded) with a plain HTTP client: the floor the
// handler's own calls are compared with. A write's condition is made
// always true (its own expression is still evaluated: "(cond) OR
// attribute_exists(pk) OR attribute_not_exists(pk)"), so a replayed
// conditional write does the same write rather than failing early.
func (p *ddbProxy) replay(ctx context.Context, calls []call) (time.Duration, error) {
	reqs := make([]*http.Request, 0, len(calls))
	for _, c := range calls {
		body := tautology(c.body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+"/", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("X-Amz-Target", c.target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
		req.Header.Set("X-Bench-Replay", "1")
		reqs = append(reqs, req)
	}
	var total time.Duration
	for _, req := range reqs {
		start := time.Now()
		resp, err := replayClient.Do(req)
		if err != nil {
			return 0, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		total += time.Since(start)
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("replay %s: %d %s", req.Header.Get("X-Amz-Target"), resp.StatusCode, b)
		}
	}
	return total, nil
}

var replayClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}

// tautology rewrites every ConditionExpression in a call's body to one
// that still evaluates the original and always holds.
func tautology(body []byte) []byte {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	fix := func(x map[string]any) {
		if c, ok := x["ConditionExpression"].(string); ok && c != "" {
			x["ConditionExpression"] = "(" + c + ") OR attribute_exists(pk) OR attribute_not_exists(pk)"
		}
	}
	fix(m)
	// The SDK gives every transaction an idempotency token; a replay under
	// the same token would be refused (or, if identical, not done at all).
	delete(m, "ClientRequestToken")
	if items, ok := m["TransactItems"].([]any); ok {
		for _, it := range items {
			if w, ok := it.(map[string]any); ok {
				for _, k := range []string{"Put", "Update", "Delete", "ConditionCheck"} {
					if x, ok := w[k].(map[string]any); ok {
						fix(x)
					}
				}
			}
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// floor is the fewest units a call could consume for the items it
// touched (see call.MinRCU).
func floor(op string, req, resp []byte) (rcu, wcu float64, written int) {
	var in struct {
		ConsistentRead bool
		Item           map[string]any
		TransactItems  []map[string]struct{ Item map[string]any }
		RequestItems   map[string]json.RawMessage
	}
	_ = json.Unmarshal(req, &in)
	var out struct {
		Item      map[string]any
		Items     []map[string]any
		Count     int
		Responses json.RawMessage
	}
	_ = json.Unmarshal(resp, &out)
	read := func(bytes int, consistent bool) float64 {
		u := float64((bytes + 4095) / 4096)
		if !consistent {
			u /= 2
		}
		return u
	}
	put := func(it map[string]any) float64 { return float64(max(1, (itemSize(it)+1023)/1024)) }
	switch op {
	case "GetItem":
		return read(max(1, itemSize(out.Item)), in.ConsistentRead), 0, 0 // a get of nothing still costs a unit
	case "Query", "Scan":
		n := 0
		for _, it := range out.Items {
			n += itemSize(it)
		}
		return read(n, in.ConsistentRead), 0, 0
	case "BatchGetItem":
		var r map[string][]map[string]any
		_ = json.Unmarshal(out.Responses, &r)
		for table, items := range r {
			var ka struct{ ConsistentRead bool }
			_ = json.Unmarshal(in.RequestItems[table], &ka)
			for _, it := range items {
				rcu += read(itemSize(it), ka.ConsistentRead) // by item, consistency per table
			}
		}
		return rcu, 0, 0
	case "TransactGetItems":
		var r []struct{ Item map[string]any }
		_ = json.Unmarshal(out.Responses, &r)
		for _, x := range r {
			rcu += 2 * read(itemSize(x.Item), true)
		}
		return rcu, 0, 0
	case "PutItem":
		return 0, put(in.Item), 1
	case "UpdateItem", "DeleteItem":
		return 0, 1, 1
	case "BatchWriteItem":
		for _, raw := range in.RequestItems {
			var reqs []struct {
				PutRequest    *struct{ Item map[string]any }
				DeleteRequest json.RawMessage
			}
			_ = json.Unmarshal(raw, &reqs)
			for _, r := range reqs {
				written++
				if r.PutRequest != nil {
					wcu += put(r.PutRequest.Item)
				} else {
					wcu++
				}
			}
		}
		return 0, wcu, written
	case "TransactWriteItems":
		for _, ti := range in.TransactItems {
			for k, v := range ti {
				switch k {
				case "Put":
					wcu += 2 * put(v.Item)
					written++
				case "Update", "Delete":
					wcu += 2
					written++
				case "ConditionCheck":
					wcu += 2
				}
			}
		}
		return 0, wcu, written
	}
	return 0, 0, 0
}

// itemSize is an item's size as DynamoDB counts it: attribute names plus
// values (strings by their UTF-8 length, numbers about one byte per two
// digits, containers three bytes plus their elements).
func itemSize(it map[string]any) int {
	n := 0
	for name, v := range it {
		n += len(name) + valueSize(v)
	}
	return n
}

func valueSize(v any) int {
	av, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	for t, x := range av {
		switch t {
		case "S":
			s, _ := x.(string)
			return len(s)
		case "N":
			s, _ := x.(string)
			return (len(s)+1)/2 + 1
		case "B":
			s, _ := x.(string)
			return len(s) * 3 / 4
		case "BOOL", "NULL":
			return 1
		case "SS", "NS", "BS":
			vs, _ := x.([]any)
			n := 0
			for _, e := range vs {
				s, _ := e.(string)
				n += len(s)
			}
			return n
		case "L":
			vs, _ := x.([]any)
			n := 3
			for _, e := range vs {
				n += 1 + valueSize(e)
			}
			return n
		case "M":
			m, _ := x.(map[string]any)
			n := 3
			for k, e := range m {
				n += 1 + len(k) + valueSize(e)
			}
			return n
		}
	}
	return 0
}
