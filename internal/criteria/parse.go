package criteria

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"hoctap/internal/fault"
)

// Parse reads and validates a set. On any problem it returns fault.Errors listing every problem
// found, each with Field = a JSON path such as "target_groups[1].indicators[3].code" ("" for the
// whole file) and a catalog key under "criteria." with its arguments. A JSON syntax error is the
// one problem that stops the reading: it is reported alone, with its line and column.
func Parse(data []byte) (*Set, error) {
	// Windows editors may save a byte-order mark, which is invisible to the person who wrote
	// the file; encoding/json would reject it.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if err := syntaxProblem(data); err != nil {
		return nil, fault.Errors{err}
	}
	es := structureProblems(data)
	for _, e := range es {
		if e.Field == "" { // the file is not an object: nothing more to say
			return nil, es
		}
	}
	var s Set
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil && len(es) == 0 {
		// structureProblems sees what the decoder sees; this is only a safety net.
		es.Add("", "criteria.json.invalid", err.Error())
	}
	// A value of the wrong type was read as zero: do not report it a second time as missing.
	reported := map[string]bool{}
	for _, e := range es {
		reported[e.Field] = true
	}
	for _, e := range s.validate() {
		if !reported[e.Field] {
			es = append(es, e)
		}
	}
	if len(es) > 0 {
		return nil, es
	}
	return &s, nil
}

// syntaxProblem returns the JSON syntax error of data, if any, with its line and column.
func syntaxProblem(data []byte) *fault.Error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fault.Field("", "criteria.json.invalid", err.Error())
	}
	// Offset counts the bytes read up to and including the offending one.
	line, col := position(data, max(int(se.Offset)-1, 0))
	return fault.Field("", "criteria.json.syntax", line, col)
}

// position returns the 1-based line and column (in characters) of byte offset off of data.
func position(data []byte, off int) (line, col int) {
	off = min(off, len(data))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, utf8.RuneCount(data[start:off]) + 1
}

// structureProblems walks syntactically valid JSON along the Set type and reports every key that
// is not a field (keys are matched exactly, unlike encoding/json, which ignores case) and every
// value of the wrong type, each with its path, line and column.
func structureProblems(data []byte) fault.Errors {
	w := &walker{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	if err := w.value(reflect.TypeFor[Set](), ""); err != nil {
		w.es.Add("", "criteria.json.invalid", err.Error())
	}
	return w.es
}

// walker follows a token stream along the Go types, collecting problems.
type walker struct {
	data []byte
	dec  *json.Decoder
	es   fault.Errors
}

// at returns the line and column of the next token: the decoder's offset is just after the
// previous token, before the separators.
func (w *walker) at() (line, col int) {
	off := int(w.dec.InputOffset())
	for off < len(w.data) && strings.IndexByte(" \t\r\n,:", w.data[off]) >= 0 {
		off++
	}
	return position(w.data, off)
}

// value reads one value that should fit type t, found at path.
func (w *walker) value(t reflect.Type, path string) error {
	line, col := w.at()
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case nil: // null leaves the zero value, which validation judges
		return nil
	case json.Delim:
		switch {
		case v == '{' && t.Kind() == reflect.Struct:
			return w.object(t, path)
		case v == '[' && t.Kind() == reflect.Slice:
			return w.array(t.Elem(), path)
		}
		w.wrongType(t, path, line, col)
		return w.skip(1)
	case string:
		if t.Kind() == reflect.String {
			return nil
		}
	case json.Number:
		if _, err := strconv.Atoi(v.String()); err == nil && t.Kind() == reflect.Int {
			return nil
		}
	case bool:
		if t.Kind() == reflect.Bool {
			return nil
		}
	}
	w.wrongType(t, path, line, col)
	return nil
}

// object reads the members of an object, its '{' already read, up to its '}'.
func (w *walker) object(t reflect.Type, path string) error {
	for w.dec.More() {
		line, col := w.at()
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		field, ok := fieldByName(t, key)
		if !ok {
			w.es.Add(join(path, key), "criteria.json.unknown_field", key, line, col)
			if err := w.skip(0); err != nil {
				return err
			}
			continue
		}
		if err := w.value(field.Type, join(path, key)); err != nil {
			return err
		}
	}
	_, err := w.dec.Token()
	return err
}

// array reads the elements of an array, its '[' already read, up to its ']'.
func (w *walker) array(elem reflect.Type, path string) error {
	for i := 0; w.dec.More(); i++ {
		if err := w.value(elem, index(path, i)); err != nil {
			return err
		}
	}
	_, err := w.dec.Token()
	return err
}

// skip reads tokens until depth open objects or arrays are closed; with depth 0 it skips one value.
func (w *walker) skip(depth int) error {
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// wrongType reports a value at path that does not fit type t.
func (w *walker) wrongType(t reflect.Type, path string, line, col int) {
	key := "criteria.json.want_object"
	switch t.Kind() {
	case reflect.String:
		key = "criteria.json.want_text"
	case reflect.Int:
		key = "criteria.json.want_integer"
	case reflect.Bool:
		key = "criteria.json.want_boolean"
	case reflect.Slice:
		key = "criteria.json.want_list"
	}
	w.es.Add(path, key, line, col)
}

// fieldByName returns the field of struct type t whose JSON name is exactly name.
func fieldByName(t reflect.Type, name string) (reflect.StructField, bool) {
	for f := range t.Fields() {
		if jsonName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// jsonName returns the name a struct field has in the file.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// join appends a member name to a JSON path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// index appends an array index to a JSON path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
