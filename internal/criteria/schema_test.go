package criteria

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSchemaMatchesTypes walks schema.json along the Go types, so that a field added to one and
// not to the other fails here: same property names as the json tags, the same kinds of value,
// no other properties allowed, and required names that exist.
func TestSchemaMatchesTypes(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(Schema(), &root); err != nil {
		t.Fatalf("schema.json: %v", err)
	}
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema %v", root["$schema"])
	}
	defs, _ := root["$defs"].(map[string]any)
	resolve := func(node map[string]any) map[string]any {
		if ref, ok := node["$ref"].(string); ok {
			def, _ := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
			if def == nil {
				t.Fatalf("unresolved %s", ref)
			}
			return def
		}
		return node
	}
	var walk func(node map[string]any, typ reflect.Type, path string)
	walk = func(node map[string]any, typ reflect.Type, path string) {
		node = resolve(node)
		kind, _ := node["type"].(string)
		switch typ.Kind() {
		case reflect.Struct:
			props, _ := node["properties"].(map[string]any)
			var names []string
			for f := range typ.Fields() {
				name := jsonName(f)
				names = append(names, name)
				prop, ok := props[name].(map[string]any)
				if !ok {
					t.Errorf("%s: field %s is not in the schema", path, join(path, name))
					continue
				}
				walk(prop, f.Type, join(path, name))
			}
			for name := range props {
				if !slices.Contains(names, name) {
					t.Errorf("%s: the schema has %s, which the type does not", path, join(path, name))
				}
			}
			if kind != "object" || node["additionalProperties"] != false {
				t.Errorf("%s: want type object without additional properties", path)
			}
			required, _ := node["required"].([]any)
			for _, r := range required {
				if !slices.Contains(names, r.(string)) {
					t.Errorf("%s: required %v is not a field", path, r)
				}
			}
		case reflect.Slice:
			items, _ := node["items"].(map[string]any)
			if kind != "array" || items == nil {
				t.Errorf("%s: want an array with items", path)
				return
			}
			walk(items, typ.Elem(), path+"[]")
		case reflect.String:
			if _, enum := node["enum"]; !enum && kind != "string" {
				t.Errorf("%s: want a string or an enum", path)
			}
		case reflect.Int:
			if _, constant := node["const"]; !constant && kind != "integer" {
				t.Errorf("%s: want an integer", path)
			}
		case reflect.Bool:
			if kind != "boolean" {
				t.Errorf("%s: want a boolean", path)
			}
		default:
			t.Errorf("%s: no schema check for %s", path, typ)
		}
	}
	walk(root, reflect.TypeFor[Set](), "")

	enum := func(node any) []string {
		var out []string
		for _, v := range resolve(node.(map[string]any))["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	props := root["properties"].(map[string]any)
	if got := enum(props["title"]); !slices.Equal(got, titles) {
		t.Errorf("title enum %v, want %v", got, titles)
	}
	if got, want := enum(defs["prov"]), []string{string(ProvSource), string(ProvDraft), string(ProvAssumed), string(ProvUnknown)}; !slices.Equal(got, want) {
		t.Errorf("prov enum %v, want %v", got, want)
	}
	if c := props["format"].(map[string]any)["const"]; c != float64(formatVersion) {
		t.Errorf("format const %v, want %d", c, formatVersion)
	}
}
