package streams

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Filter is a compiled Lambda event-source FilterCriteria: a record passes
// when it matches any of the patterns (EventBridge pattern syntax). An empty
// Filter passes everything.
type Filter struct {
	patterns []map[string]any
}

// CompileFilter parses FilterCriteria patterns (JSON text, as template.yaml
// gives them).
func CompileFilter(patterns []string) (Filter, error) {
	var f Filter
	for _, p := range patterns {
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(p))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return Filter{}, fmt.Errorf("streams: filter pattern %s: %w", p, err)
		}
		if err := checkPattern(m); err != nil {
			return Filter{}, fmt.Errorf("streams: filter pattern %s: %w", p, err)
		}
		f.patterns = append(f.patterns, m)
	}
	return f, nil
}

func checkPattern(m map[string]any) error {
	for k, v := range m {
		switch x := v.(type) {
		case map[string]any:
			if err := checkPattern(x); err != nil {
				return err
			}
		case []any:
			for _, e := range x {
				if op, ok := e.(map[string]any); ok {
					if len(op) != 1 {
						return fmt.Errorf("%s: a matcher object needs exactly one operator", k)
					}
					for name := range op {
						switch name {
						case "prefix", "suffix", "anything-but", "exists", "numeric", "equals-ignore-case":
						default:
							return fmt.Errorf("%s: unsupported operator %q", k, name)
						}
					}
				}
			}
		default:
			return fmt.Errorf("%s: a pattern value must be an array or an object", k)
		}
	}
	return nil
}

// Match reports whether event (the record as JSON-decoded data) passes.
func (f Filter) Match(event map[string]any) bool {
	if len(f.patterns) == 0 {
		return true
	}
	for _, p := range f.patterns {
		if matchObject(p, event) {
			return true
		}
	}
	return false
}

func matchObject(pattern, event map[string]any) bool {
	for k, pv := range pattern {
		ev, present := event[k]
		switch p := pv.(type) {
		case map[string]any:
			sub, ok := ev.(map[string]any)
			if !ok {
				return false
			}
			if !matchObject(p, sub) {
				return false
			}
		case []any:
			if !matchValues(p, ev, present) {
				return false
			}
		}
	}
	return true
}

// matchValues: the event value (or any element of an event array) must
// match one of the matchers.
func matchValues(matchers []any, ev any, present bool) bool {
	for _, m := range matchers {
		if op, ok := m.(map[string]any); ok {
			if e, isExists := op["exists"]; isExists {
				want, _ := e.(bool)
				if want == present {
					return true
				}
				continue
			}
		}
		if !present {
			continue
		}
		vals, isList := ev.([]any)
		if !isList {
			vals = []any{ev}
		}
		for _, v := range vals {
			if matchOne(m, v) {
				return true
			}
		}
	}
	return false
}

func matchOne(matcher, v any) bool {
	switch m := matcher.(type) {
	case string:
		s, ok := v.(string)
		return ok && s == m
	case json.Number:
		return numEqual(m, v)
	case bool:
		b, ok := v.(bool)
		return ok && b == m
	case nil:
		return v == nil
	case map[string]any:
		for name, arg := range m {
			switch name {
			case "prefix":
				s, ok := v.(string)
				p, _ := arg.(string)
				return ok && strings.HasPrefix(s, p)
			case "suffix":
				s, ok := v.(string)
				p, _ := arg.(string)
				return ok && strings.HasSuffix(s, p)
			case "equals-ignore-case":
				s, ok := v.(string)
				p, _ := arg.(string)
				return ok && strings.EqualFold(s, p)
			case "anything-but":
				list, isList := arg.([]any)
				if !isList {
					list = []any{arg}
				}
				for _, x := range list {
					if matchOne(x, v) {
						return false
					}
				}
				return true
			case "numeric":
				return matchNumeric(arg, v)
			}
		}
	}
	return false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case string:
		// DynamoDB numbers arrive as strings ({"N": "5"}).
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

func numEqual(m json.Number, v any) bool {
	a, ok1 := toFloat(m)
	b, ok2 := v.(json.Number)
	if !ok1 || !ok2 {
		return false
	}
	bf, ok := toFloat(b)
	return ok && a == bf
}

func matchNumeric(arg, v any) bool {
	conds, ok := arg.([]any)
	if !ok || len(conds)%2 != 0 {
		return false
	}
	x, ok := toFloat(v)
	if !ok {
		return false
	}
	for i := 0; i < len(conds); i += 2 {
		op, _ := conds[i].(string)
		n, ok := toFloat(conds[i+1])
		if !ok {
			return false
		}
		var pass bool
		switch op {
		case "<":
			pass = x < n
		case "<=":
			pass = x <= n
		case "=":
			pass = x == n
		case ">":
			pass = x > n
		case ">=":
			pass = x >= n
		}
		if !pass {
			return false
		}
	}
	return true
}
