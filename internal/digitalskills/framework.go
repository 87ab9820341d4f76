package digitalskills

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"hoctap/internal/fault"
)

// Prov is the provenance of a value: whether it is stated in QĐ 757/QĐ-BKHCN or assumed.
type Prov string

// The provenance values. Anything other than ProvSource must be confirmed before production.
const (
	ProvSource  Prov = "source"  // stated in the issuing document
	ProvAssumed Prov = "assumed" // our proposal, awaiting confirmation from the official text
)

// Source identifies the issuing document.
type Source struct {
	Number string `json:"number"`
	Date   string `json:"date"` // yyyy-mm-dd
	Issuer string `json:"issuer"`
	Prov   Prov   `json:"prov"`
}

// Answer is one of the choices offered for each statement, worth Points.
type Answer struct {
	Code    string `json:"code"`
	Points  int    `json:"points"`
	LabelVI string `json:"label_vi"`
	LabelEN string `json:"label_en"`
	Prov    Prov   `json:"prov"`
}

// Level is a result level, reached when the overall share of points reaches MinPercent and the
// share of every group reaches MinGroupPercent. Levels are listed from the lowest, which must
// ask for nothing.
type Level struct {
	Code            string `json:"code"`
	NameVI          string `json:"name_vi"`
	NameEN          string `json:"name_en"`
	MinPercent      int    `json:"min_percent"`
	MinGroupPercent int    `json:"min_group_percent"`
	Prov            Prov   `json:"prov"`
}

// Statement is one can-do statement ("Tôi …").
type Statement struct {
	Code   string `json:"code"`
	TextVI string `json:"text_vi"`
	TextEN string `json:"text_en"`
	Prov   Prov   `json:"prov"`
}

// Group is a skill group of the framework with its statements.
type Group struct {
	Code       string      `json:"code"`
	NameVI     string      `json:"name_vi"`
	NameEN     string      `json:"name_en"`
	Prov       Prov        `json:"prov"`
	Statements []Statement `json:"statements"`
}

// Framework is the whole file: groups, statements, answers and the level rule.
type Framework struct {
	Format     int      `json:"format"`
	Version    string   `json:"version"`
	NameVI     string   `json:"name_vi"`
	NameEN     string   `json:"name_en"`
	Source     Source   `json:"source"`
	Answers    []Answer `json:"answers"`
	Levels     []Level  `json:"levels"`
	BasicLevel string   `json:"basic_level"` // the level that counts as "has basic digital skills"
	Groups     []Group  `json:"groups"`
}

//go:embed framework.json
var defaultJSON []byte

var (
	defaultOnce sync.Once
	defaultFW   *Framework
)

// Default returns the embedded framework. It panics only if the shipped file is broken, which
// the package's tests rule out.
func Default() *Framework {
	defaultOnce.Do(func() {
		fw, err := Parse(defaultJSON)
		if err != nil {
			panic("digitalskills: embedded framework: " + err.Error())
		}
		defaultFW = fw
	})
	return defaultFW
}

// DefaultJSON returns a copy of the embedded file.
func DefaultJSON() []byte { return bytes.Clone(defaultJSON) }

// Parse reads and checks a framework file; the error lists every problem found.
func Parse(data []byte) (*Framework, error) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	dec.DisallowUnknownFields()
	var fw Framework
	if err := dec.Decode(&fw); err != nil {
		return nil, fmt.Errorf("digitalskills: %w", err)
	}
	if err := fw.validate(); err != nil {
		return nil, err
	}
	return &fw, nil
}

func (fw *Framework) validate() error {
	var es []error
	bad := func(format string, args ...any) { es = append(es, fmt.Errorf(format, args...)) }
	okProv := func(p Prov) bool { return p == ProvSource || p == ProvAssumed }
	if fw.Format != 1 {
		bad("format: %d is not 1", fw.Format)
	}
	if fw.Version == "" || fw.NameVI == "" {
		bad("version and name_vi are required")
	}
	if !okProv(fw.Source.Prov) {
		bad("source.prov: %q", fw.Source.Prov)
	}
	if len(fw.Answers) < 2 {
		bad("answers: at least two are needed")
	}
	seen := map[string]bool{}
	maxPts := 0
	for i, a := range fw.Answers {
		if a.Code == "" || seen["a:"+a.Code] {
			bad("answers[%d].code: empty or repeated %q", i, a.Code)
		}
		seen["a:"+a.Code] = true
		if a.Points < 0 || a.LabelVI == "" || !okProv(a.Prov) {
			bad("answers[%d]: negative points, no label_vi or bad prov", i)
		}
		maxPts = max(maxPts, a.Points)
	}
	if maxPts == 0 && len(fw.Answers) > 0 {
		bad("answers: no answer is worth any point")
	}
	if len(fw.Levels) == 0 || fw.Levels[0].MinPercent != 0 || fw.Levels[0].MinGroupPercent != 0 {
		bad("levels: the first level must ask for nothing (min_percent and min_group_percent 0)")
	}
	for i, l := range fw.Levels {
		if l.Code == "" || seen["l:"+l.Code] {
			bad("levels[%d].code: empty or repeated %q", i, l.Code)
		}
		seen["l:"+l.Code] = true
		if l.MinPercent < 0 || l.MinPercent > 100 || l.MinGroupPercent < 0 || l.MinGroupPercent > 100 || l.NameVI == "" || !okProv(l.Prov) {
			bad("levels[%d]: percentages outside 0–100, no name_vi or bad prov", i)
		}
		if i > 0 && (l.MinPercent < fw.Levels[i-1].MinPercent || l.MinGroupPercent < fw.Levels[i-1].MinGroupPercent) {
			bad("levels[%d]: a higher level cannot ask for less than the one below", i)
		}
	}
	if !seen["l:"+fw.BasicLevel] {
		bad("basic_level: %q is not a level", fw.BasicLevel)
	}
	if len(fw.Groups) == 0 {
		bad("groups: none")
	}
	for i, g := range fw.Groups {
		if g.Code == "" || seen["g:"+g.Code] {
			bad("groups[%d].code: empty or repeated %q", i, g.Code)
		}
		seen["g:"+g.Code] = true
		if g.NameVI == "" || !okProv(g.Prov) || len(g.Statements) == 0 {
			bad("groups[%d]: no name_vi, bad prov or no statement", i)
		}
		for j, st := range g.Statements {
			if st.Code == "" || seen["s:"+st.Code] {
				bad("groups[%d].statements[%d].code: empty or repeated %q", i, j, st.Code)
			}
			seen["s:"+st.Code] = true
			if st.TextVI == "" || !okProv(st.Prov) {
				bad("groups[%d].statements[%d]: no text_vi or bad prov", i, j)
			}
		}
	}
	return errors.Join(es...)
}

// Provisional tells whether any value of the framework is not from the source.
func (fw *Framework) Provisional() bool {
	if fw.Source.Prov != ProvSource {
		return true
	}
	for _, a := range fw.Answers {
		if a.Prov != ProvSource {
			return true
		}
	}
	for _, l := range fw.Levels {
		if l.Prov != ProvSource {
			return true
		}
	}
	for _, g := range fw.Groups {
		if g.Prov != ProvSource {
			return true
		}
		for _, s := range g.Statements {
			if s.Prov != ProvSource {
				return true
			}
		}
	}
	return false
}

// Statements counts the statements of all groups.
func (fw *Framework) Statements() int {
	n := 0
	for _, g := range fw.Groups {
		n += len(g.Statements)
	}
	return n
}

// Level returns the level of a code.
func (fw *Framework) Level(code string) (Level, bool) {
	for _, l := range fw.Levels {
		if l.Code == code {
			return l, true
		}
	}
	return Level{}, false
}

// Rank orders levels: 0 for the lowest, -1 for an unknown code.
func (fw *Framework) Rank(code string) int {
	for i, l := range fw.Levels {
		if l.Code == code {
			return i
		}
	}
	return -1
}

// AtLeastBasic tells whether a level is the basic level or above.
func (fw *Framework) AtLeastBasic(code string) bool {
	r := fw.Rank(code)
	return r >= 0 && r >= fw.Rank(fw.BasicLevel)
}

// GroupResult is the score of one group.
type GroupResult struct {
	Code    string `json:"code"`
	Points  int    `json:"points"`
	Max     int    `json:"max"`
	Percent int    `json:"percent"`
}

// Result is a scored self-assessment.
type Result struct {
	Groups  []GroupResult `json:"groups"`
	Points  int           `json:"points"`
	Max     int           `json:"max"`
	Percent int           `json:"percent"`
	Level   string        `json:"level"`
}

// Score scores answers (statement code → answer code) against the framework. Every statement
// needs one known answer; otherwise the error is fault.Errors with the statement's code as the
// field ("digital.answer.required", "digital.answer.invalid"). Percentages are rounded down, so
// a level is never reached by rounding.
func (fw *Framework) Score(answers map[string]string) (Result, error) {
	points := map[string]int{}
	maxPts := 0
	for _, a := range fw.Answers {
		points[a.Code] = a.Points
		maxPts = max(maxPts, a.Points)
	}
	var res Result
	var es fault.Errors
	known := map[string]bool{}
	for _, g := range fw.Groups {
		gr := GroupResult{Code: g.Code}
		for _, st := range g.Statements {
			known[st.Code] = true
			a, ok := answers[st.Code]
			if !ok || a == "" {
				es.Add(st.Code, "digital.answer.required")
				continue
			}
			p, ok := points[a]
			if !ok {
				es.Add(st.Code, "digital.answer.invalid")
				continue
			}
			gr.Points += p
			gr.Max += maxPts
		}
		if gr.Max > 0 {
			gr.Percent = gr.Points * 100 / gr.Max
		}
		res.Groups = append(res.Groups, gr)
		res.Points += gr.Points
		res.Max += gr.Max
	}
	for code := range answers {
		if !known[code] {
			es.Add(code, "digital.answer.unknown_statement")
		}
	}
	if len(es) > 0 {
		return Result{}, es
	}
	res.Percent = res.Points * 100 / res.Max
	res.Level = fw.Levels[0].Code
	for _, l := range fw.Levels {
		if res.Percent < l.MinPercent {
			break
		}
		ok := true
		for _, g := range res.Groups {
			if g.Percent < l.MinGroupPercent {
				ok = false
			}
		}
		if !ok {
			break
		}
		res.Level = l.Code
	}
	return res, nil
}
