// Package template reads template.yaml, the AWS SAM template that is the one
// source of truth for the system's tables, functions and routes. The local
// table bootstrap, the dev server and the template tests all read it through
// this package, so local runs and AWS cannot drift apart.
//
// CloudFormation short-form tags (!Ref, !GetAtt, !Sub, !Select, !Split, ...)
// are turned into their long form ({"Ref": x}, {"Fn::GetAtt": [a, b]}, ...)
// so the rest of the template is plain maps, lists and scalars.
package template

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FileName is the template's file name at the repository root.
const FileName = "template.yaml"

// Template is a parsed SAM template.
type Template struct {
	// Path is the file the template was read from.
	Path string
	// Globals is the raw Globals section (Function, HttpApi, ...).
	Globals map[string]any
	// Parameters is the raw Parameters section.
	Parameters map[string]any
	// Resources holds every resource by logical id.
	Resources map[string]Resource
}

// Resource is one entry of the Resources section.
type Resource struct {
	LogicalID           string
	Type                string
	Properties          map[string]any
	Metadata            map[string]any
	DeletionPolicy      string
	UpdateReplacePolicy string
}

// Find walks up from the working directory to the directory holding
// template.yaml and returns the file's path.
func Find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("template: working directory: %w", err)
	}
	for {
		p := filepath.Join(dir, FileName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("template: no " + FileName + " in the working directory or any parent")
		}
		dir = parent
	}
}

// LoadDefault finds template.yaml (see Find) and loads it.
func LoadDefault() (*Template, error) {
	p, err := Find()
	if err != nil {
		return nil, err
	}
	return Load(p)
}

// Load reads and parses the template at path.
func Load(path string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	t, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("template: %s: %w", path, err)
	}
	t.Path = path
	return t, nil
}

// Parse parses template source.
func Parse(src []byte) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("parse yaml: %w", err)
	}
	v, err := convert(&doc)
	if err != nil {
		return nil, err
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("template is not a mapping")
	}
	t := &Template{
		Globals:    asMap(root["Globals"]),
		Parameters: asMap(root["Parameters"]),
		Resources:  map[string]Resource{},
	}
	for id, raw := range asMap(root["Resources"]) {
		m := asMap(raw)
		if m == nil {
			return nil, fmt.Errorf("resource %s is not a mapping", id)
		}
		t.Resources[id] = Resource{
			LogicalID:           id,
			Type:                str(m["Type"]),
			Properties:          asMap(m["Properties"]),
			Metadata:            asMap(m["Metadata"]),
			DeletionPolicy:      str(m["DeletionPolicy"]),
			UpdateReplacePolicy: str(m["UpdateReplacePolicy"]),
		}
	}
	if _, err := t.TablesErr(); err != nil {
		return nil, err
	}
	if _, err := t.FunctionsErr(); err != nil {
		return nil, err
	}
	return t, nil
}

// ResourcesOfType returns the resources of one type, sorted by logical id.
func (t *Template) ResourcesOfType(typ string) []Resource {
	var out []Resource
	for _, r := range t.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// convert turns a yaml node into plain Go values, expanding CloudFormation
// short-form tags into their long form.
func convert(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return convert(n.Content[0])
	case yaml.AliasNode:
		return convert(n.Alias)
	}
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Value == "<<" && k.Tag == "!!merge" {
				return nil, fmt.Errorf("line %d: YAML merge keys are not valid CloudFormation", k.Line)
			}
			val, err := convert(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		v = m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := convert(c)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		v = l
	case yaml.ScalarNode:
		v = scalar(n)
	default:
		return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
	}
	tag := n.Tag
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return v, nil
	}
	name := strings.TrimPrefix(tag, "!")
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, fmt.Errorf("line %d: !GetAtt %q needs Resource.Attribute", n.Line, s)
			}
			return map[string]any{"Fn::GetAtt": []any{res, attr}}, nil
		}
		return map[string]any{"Fn::GetAtt": v}, nil
	default:
		return map[string]any{"Fn::" + name: v}, nil
	}
}

// scalar decodes a plain scalar to bool, int, float or string the way YAML
// 1.2's core schema does (tagged scalars such as !Ref X stay strings).
func scalar(n *yaml.Node) any {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value
	}
	switch n.ShortTag() {
	case "!!bool":
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		return b
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	case "!!null":
		return nil
	}
	return n.Value
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// str renders a scalar as a string; non-scalars (intrinsics) give "".
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func strList(v any) []string {
	var out []string
	for _, x := range asList(v) {
		out = append(out, str(x))
	}
	return out
}

// intValue reads an integer property; ok is false if absent or not a number.
func intValue(v any) (int, bool) {
	switch x := v.(type) {
	case int64:
		return int(x), true
	case float64:
		return int(x), true
	case string:
		i, err := strconv.Atoi(x)
		return i, err == nil
	}
	return 0, false
}

func boolValue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(x, "true")
	}
	return false
}

// Intrinsic reports whether v is a single intrinsic function
// ({"Ref": x}, {"Fn::GetAtt": [...]}, ...) and returns its name and argument.
func Intrinsic(v any) (name string, arg any, ok bool) {
	m := asMap(v)
	if len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, a, true
		}
	}
	return "", nil, false
}

// RefTarget returns the logical id a value points at: the X in !Ref X or
// !GetAtt X.Attr. ok is false for anything else.
func RefTarget(v any) (logicalID string, ok bool) {
	name, arg, ok := Intrinsic(v)
	if !ok {
		return "", false
	}
	switch name {
	case "Ref":
		s := str(arg)
		return s, s != ""
	case "Fn::GetAtt":
		l := asList(arg)
		if len(l) == 0 {
			return "", false
		}
		s := str(l[0])
		return s, s != ""
	}
	return "", false
}

// References reports whether v (any property value) mentions the resource
// logicalID through Ref, GetAtt or a ${logicalID...} substitution.
func References(v any, logicalID string) bool {
	switch x := v.(type) {
	case map[string]any:
		if id, ok := RefTarget(x); ok && id == logicalID {
			return true
		}
		if name, arg, ok := Intrinsic(x); ok && name == "Fn::Sub" {
			s := str(arg)
			if l := asList(arg); len(l) > 0 {
				s = str(l[0])
				if References(l[1:], logicalID) {
					return true
				}
			}
			if strings.Contains(s, "${"+logicalID+"}") || strings.Contains(s, "${"+logicalID+".") {
				return true
			}
		}
		for _, e := range x {
			if References(e, logicalID) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if References(e, logicalID) {
				return true
			}
		}
	}
	return false
}

// decodeInto converts a plain value into a typed struct through JSON.
func decodeInto(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// Strings returns v as a list of strings (a YAML list of scalars); nil for
// anything else.
func Strings(v any) []string { return strList(v) }
