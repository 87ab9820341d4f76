package chart

import (
	"encoding/xml"
	"html/template"
	"io"
	"strconv"
	"strings"
	"testing"
)

func v(x float64) *float64 { return &x }

// node is a parsed SVG element.
type node struct {
	Name     string
	Attr     map[string]string
	Text     string
	Children []*node
}

// parseSVG parses the chart as XML, which also proves that every text was escaped.
func parseSVG(t *testing.T, h template.HTML) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(h)))
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, h)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			n := &node{Name: e.Name.Local, Attr: map[string]string{}}
			for _, a := range e.Attr {
				n.Attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(e)
			}
		}
	}
	if root == nil {
		t.Fatal("no element")
	}
	return root
}

// find returns every element named name whose data-series is series ("" = any).
func (n *node) find(name, series string) []*node {
	var out []*node
	if n.Name == name && (series == "" || n.Attr["data-series"] == series) {
		out = append(out, n)
	}
	for _, c := range n.Children {
		out = append(out, c.find(name, series)...)
	}
	return out
}

func (n *node) texts() []string {
	var out []string
	for _, e := range n.find("text", "") {
		out = append(out, e.Text)
	}
	return out
}

// segments parses a path's d into its subpaths, each a list of points.
func segments(t *testing.T, d string) [][][2]float64 {
	t.Helper()
	var segs [][][2]float64
	f := strings.Fields(strings.NewReplacer("M", " M ", "L", " L ").Replace(d))
	for i := 0; i < len(f); {
		cmd := f[i]
		x, err1 := strconv.ParseFloat(f[i+1], 64)
		y, err2 := strconv.ParseFloat(f[i+2], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad path %q", d)
		}
		if cmd == "M" {
			segs = append(segs, nil)
		}
		segs[len(segs)-1] = append(segs[len(segs)-1], [2]float64{x, y})
		i += 3
	}
	return segs
}

func trendOptions(lang string) TrendOptions {
	return TrendOptions{
		Lang:     lang,
		Title:    `Tỷ lệ người lớn <script>alert("x")</script> & 'CDHT'`,
		Points:   []Point{{2021, v(12.5)}, {2022, v(18.25)}, {2023, nil}, {2024, v(31.4)}, {2025, v(40.5)}},
		Targets:  []Target{{2025, 40, "KH 290/KH-UBND"}, {2030, 60, "KH 290/KH-UBND"}},
		Forecast: &Forecast{2030, 55.2, 44, 66.5},
	}
}

func TestTrendIsAnAccessibleSafeImage(t *testing.T) {
	h := Trend(trendOptions("vi"))
	s := string(h)
	for _, bad := range []string{"<script", " style=", "<style", "http://", "https://"} {
		if bad == "http://" {
			s = strings.Replace(s, `xmlns="http://www.w3.org/2000/svg"`, "", 1)
		}
		if strings.Contains(s, bad) {
			t.Errorf("the SVG contains %q", bad)
		}
	}
	root := parseSVG(t, h)
	if root.Name != "svg" || root.Attr["role"] != "img" || root.Attr["viewBox"] != "0 0 420 250" {
		t.Errorf("root %s role=%q viewBox=%q", root.Name, root.Attr["role"], root.Attr["viewBox"])
	}
	if _, ok := root.Attr["width"]; ok {
		t.Error("a trend has a fixed width; it must scale with its container")
	}
	if len(root.Children) == 0 || root.Children[0].Name != "title" || root.Children[0].Text != `Tỷ lệ người lớn <script>alert("x")</script> & 'CDHT'` {
		t.Errorf("the first child is not the title: %+v", root.Children[0])
	}
	label := root.Attr["aria-label"]
	for _, want := range []string{"2021: 12,5%", "2023: không có số liệu", "2025: 40,5%", "Chỉ tiêu: 2025: 40% (KH 290/KH-UBND), 2030: 60%", "Dự báo năm 2030: 55,2% (khoảng 44% – 66,5%)"} {
		if !strings.Contains(label, want) {
			t.Errorf("aria-label lacks %q: %s", want, label)
		}
	}
}

func TestTrendMissingYearLeavesAGap(t *testing.T) {
	o := trendOptions("vi")
	paths := parseSVG(t, Trend(o)).find("path", "actual")
	if len(paths) != 1 {
		t.Fatalf("%d paths of actual values, want 1", len(paths))
	}
	segs := segments(t, paths[0].Attr["d"])
	if len(segs) != 2 || len(segs[0]) != 2 || len(segs[1]) != 2 {
		t.Errorf("2023 without data: segments %v, want two of two points", segs)
	}
	// A year of zero is a value, not a gap.
	o.Points[2].Value = v(0)
	segs = segments(t, parseSVG(t, Trend(o)).find("path", "actual")[0].Attr["d"])
	if len(segs) != 1 || len(segs[0]) != 5 {
		t.Errorf("2023 at 0%%: segments %v, want one of five points", segs)
	}
	// A year left out of the points is a gap too.
	o.Points = append(o.Points[:2], o.Points[3:]...)
	segs = segments(t, parseSVG(t, Trend(o)).find("path", "actual")[0].Attr["d"])
	if len(segs) != 2 {
		t.Errorf("2023 left out: %d segments, want 2", len(segs))
	}
}

func TestTrendTargetsAtTheirValue(t *testing.T) {
	// The frame runs from y = 14 (100%) to y = 204 (0%) without a marker, so 40% is at
	// 204 − 0.4 × 190 = 128 and 60% at 90. The years 2021–2030 span x = 62 … 388 (the frame
	// from 44 to 406 less 18 on each side), 36.2 a year: 2025 at 206.9, 2030 at 388.
	targets := parseSVG(t, Trend(trendOptions("vi"))).find("path", "target")
	if len(targets) != 2 {
		t.Fatalf("%d target markers, want 2", len(targets))
	}
	for i, want := range []struct{ x, y float64 }{{206.9, 128}, {388, 90}} {
		seg := segments(t, targets[i].Attr["d"])
		if len(seg) != 1 || len(seg[0]) != 2 {
			t.Fatalf("target %d: %v", i, seg)
		}
		a, b := seg[0][0], seg[0][1]
		if a[1] != want.y || b[1] != want.y {
			t.Errorf("target %d at y %v–%v, want %v", i, a[1], b[1], want.y)
		}
		if mid := (a[0] + b[0]) / 2; mid < want.x-0.1 || mid > want.x+0.1 {
			t.Errorf("target %d centred at x %v, want %v", i, mid, want.x)
		}
		if targets[i].Attr["stroke-dasharray"] == "" {
			t.Errorf("target %d is not dashed", i)
		}
	}
	// With a marker the frame starts lower (y = 26): 40% is at 204 − 0.4 × 178 = 132.8.
	o := trendOptions("vi")
	o.Marker = &Marker{2025, "Sắp xếp ĐVHC"}
	seg := segments(t, parseSVG(t, Trend(o)).find("path", "target")[0].Attr["d"])
	if seg[0][0][1] != 132.8 {
		t.Errorf("with a marker, 40%% at y %v, want 132.8", seg[0][0][1])
	}
	marker := parseSVG(t, Trend(o)).find("path", "marker")
	if len(marker) != 1 || !strings.HasPrefix(marker[0].Attr["d"], "M206.9 ") {
		t.Errorf("marker %+v, want a vertical line at x 206.9", marker)
	}
}

func TestTrendForecastIsDistinct(t *testing.T) {
	root := parseSVG(t, Trend(trendOptions("vi")))
	band := root.find("polygon", "band")
	if len(band) != 1 || band[0].Attr["fill"] == "" || band[0].Attr["stroke"] != "" {
		t.Fatalf("band %+v, want one filled polygon without an outline", band)
	}
	// From the last value (2025, 40.5% → y 127.05) to 2030 between 66.5% (77.65) and 44% (120.4).
	want := [][2]float64{{206.9, 127.05}, {388, 77.65}, {388, 120.4}}
	got := strings.Fields(band[0].Attr["points"])
	if len(got) != 3 {
		t.Fatalf("band points %q", got)
	}
	for i, p := range got {
		xs, ys, _ := strings.Cut(p, ",")
		x, _ := strconv.ParseFloat(xs, 64)
		y, _ := strconv.ParseFloat(ys, 64)
		if d := x - want[i][0]; d > 0.06 || d < -0.06 {
			t.Errorf("band point %d x %v, want %v", i, x, want[i][0])
		}
		if d := y - want[i][1]; d > 0.06 || d < -0.06 {
			t.Errorf("band point %d y %v, want %v", i, y, want[i][1])
		}
	}
	line := root.find("path", "forecast")
	if len(line) != 1 || line[0].Attr["stroke-dasharray"] == "" || line[0].Attr["stroke-linecap"] != "round" {
		t.Errorf("forecast line %+v, want one dotted line", line)
	}
}

func TestNumbersInThePageLanguage(t *testing.T) {
	vi := parseSVG(t, Trend(trendOptions("vi"))).texts()
	en := parseSVG(t, Trend(trendOptions("en"))).texts()
	has := func(ts []string, s string) bool {
		for _, x := range ts {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		texts []string
		want  []string
		not   string
	}{
		{vi, []string{"40,5%", "55,2%", "100%", "0%", "2025", "Thực hiện", "Chỉ tiêu", "Dự báo"}, "40.5%"},
		{en, []string{"40.5%", "55.2%", "100%", "2025", "Actual", "Target", "Forecast"}, "40,5%"},
	} {
		for _, w := range c.want {
			if !has(c.texts, w) {
				t.Errorf("no text %q in %q", w, c.texts)
			}
		}
		if has(c.texts, c.not) {
			t.Errorf("text %q in the wrong language: %q", c.not, c.texts)
		}
	}
	pipe := Pipeline(PipelineOptions{Lang: "vi", States: []string{"Đăng ký", "Được công nhận"},
		Stages: []Stage{{"Công dân học tập", []int64{120345, 310222}}}})
	if ts := parseSVG(t, pipe).texts(); !has(ts, "120.345") || !has(ts, "310.222") || !has(ts, "Tổng 430.567") {
		t.Errorf("pipeline texts %q, want 120.345, 310.222 and Tổng 430.567", ts)
	}
	pipe = Pipeline(PipelineOptions{Lang: "en", States: []string{"Pledged", "Recognised"},
		Stages: []Stage{{"Learning citizen", []int64{120345, 310222}}}})
	if ts := parseSVG(t, pipe).texts(); !has(ts, "120,345") || !has(ts, "Total 430,567") {
		t.Errorf("pipeline texts %q, want 120,345 and Total 430,567", ts)
	}
}

func TestBarsLabelsNoDataAndTarget(t *testing.T) {
	long := "Trường Trung học phổ thông chuyên Hà Nội – Amsterdam cơ sở hai quận Tây Hồ mới"
	h := Bars(BarsOptions{Lang: "vi", Title: "Xếp hạng", Target: v(40), Bars: []Bar{
		{"1. Phường Ba Đình", v(72.4)}, {long, v(39.95)}, {"3. Phường <Hoàn Kiếm>", nil},
	}})
	root := parseSVG(t, h)
	bars := root.find("rect", "bar")
	if len(bars) != 2 {
		t.Fatalf("%d bars, want 2: the unit without data has none", len(bars))
	}
	// 72.4% of the 206 units from x 164 to 370 is 149.1 wide.
	if w := bars[0].Attr["width"]; w != "149.1" {
		t.Errorf("bar width %s, want 149.1", w)
	}
	noData := root.find("text", "no-data")
	if len(noData) != 1 || noData[0].Text != "không có số liệu" {
		t.Errorf("no-data texts %+v", noData)
	}
	var labels []string
	for _, n := range root.find("text", "label") {
		labels = append(labels, n.Text)
	}
	if len(labels) != 4 || labels[0] != "1. Phường Ba Đình" || labels[3] != "3. Phường <Hoàn Kiếm>" {
		t.Fatalf("labels %q, want the long one on two lines", labels)
	}
	if !strings.HasSuffix(labels[2], "…") || strings.Contains(labels[1]+" "+labels[2], "mới") {
		t.Errorf("the long label is not shortened: %q", labels[1:3])
	}
	if !strings.Contains(string(h), "<title>"+long+": 40%</title>") {
		t.Error("the long label's full text is not in a <title>")
	}
	target := root.find("path", "target")
	// 40% → x = 164 + 0.4 × 206 = 246.4.
	if len(target) != 1 || !strings.HasPrefix(target[0].Attr["d"], "M246.4 ") {
		t.Errorf("target %+v, want a line at x 246.4", target)
	}
	if got := root.Attr["aria-label"]; !strings.Contains(got, "3. Phường <Hoàn Kiếm>: không có số liệu") || !strings.Contains(got, "chỉ tiêu 40%") {
		t.Errorf("aria-label %q", got)
	}
	// The escaped label must appear escaped in the source.
	if !strings.Contains(string(h), "3. Phường &lt;Hoàn Kiếm&gt;") {
		t.Error("a label is not escaped")
	}
}

func TestSparklineAndPipelineShapes(t *testing.T) {
	sp := parseSVG(t, Sparkline(SparklineOptions{Lang: "en", Title: "Adults", Target: v(40),
		Points: []Point{{2022, v(10)}, {2023, nil}, {2024, v(30)}, {2025, v(35)}}}))
	if sp.Attr["width"] != "100" || sp.Attr["height"] != "28" || sp.Attr["role"] != "img" {
		t.Errorf("sparkline attributes %v", sp.Attr)
	}
	// 2022 stands alone: one segment of two points, 2024–2025.
	if segs := segments(t, sp.find("path", "actual")[0].Attr["d"]); len(segs) != 1 || len(segs[0]) != 2 {
		t.Errorf("sparkline segments %v", segs)
	}
	if got := sp.Attr["aria-label"]; got != "Adults: 2022: 10%, 2023: no data, 2024: 30%, 2025: 35%; target 40%" {
		t.Errorf("sparkline aria-label %q", got)
	}

	pipe := parseSVG(t, Pipeline(PipelineOptions{Lang: "vi", Title: "Tiến độ",
		States: []string{"Đăng ký", "Tự đánh giá", "Đã xác nhận", "Đã thẩm định", "Được công nhận", "Không công nhận"},
		Stages: []Stage{{"Công dân học tập", []int64{100, 0, 100, 0, 200, 0}}, {"Đơn vị học tập", []int64{0, 0, 0, 0, 0, 0}}}}))
	states := pipe.find("rect", "state")
	if len(states) != 3 {
		t.Fatalf("%d segments, want 3 (zero counts are not drawn)", len(states))
	}
	// Each segment is as wide as its share of the 412 units: 25%, 25%, 50%.
	for i, want := range []string{"103", "103", "206"} {
		if states[i].Attr["width"] != want {
			t.Errorf("segment %d width %s, want %s", i, states[i].Attr["width"], want)
		}
	}
	if len(pipe.find("text", "no-data")) != 1 {
		t.Error("a title without assessments does not say no data")
	}
	if got := pipe.Attr["aria-label"]; !strings.Contains(got, "Công dân học tập: Đăng ký: 100, Tự đánh giá: 0") || !strings.Contains(got, "Đơn vị học tập: không có số liệu") {
		t.Errorf("pipeline aria-label %q", got)
	}
}

func TestDecomposedTextIsComposed(t *testing.T) {
	nfd := "Phu\u031bo\u031b\u0300ng Ba \u0110i\u0300nh" // "Phường Ba Đình" decomposed
	h := Bars(BarsOptions{Bars: []Bar{{nfd, v(50)}}})
	if !strings.Contains(string(h), ">Phường Ba Đình<") {
		t.Errorf("the label is not NFC: %s", h)
	}
}
