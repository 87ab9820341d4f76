package news

import (
	"encoding/xml"
	"io"
	"net/url"
	"strings"
	"testing"

	"hoctap/internal/fault"
)

// allowed are the elements Render may make, with the attributes each may carry.
var allowedMarkup = map[string][]string{
	"root": nil, "p": nil, "br": nil, "h2": nil, "h3": nil, "ul": nil, "ol": nil, "li": nil, "strong": nil, "em": nil,
	"a": {"href", "rel"}, "figure": nil, "figcaption": nil, "img": {"src", "alt", "loading", "decoding", "width", "height"},
}

// checkSafe parses rendered HTML as XML and fails on any element or attribute outside the
// allow-list, on any link that is not http, https or a path of the site, and on any picture
// that is not one of the item's.
func checkSafe(t *testing.T, out string, images []Image) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader("<root>" + out + "</root>"))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("output is not well-formed: %v\n%s", err, out)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attrs, known := allowedMarkup[se.Name.Local]
		if !known {
			t.Fatalf("element <%s> reached the output:\n%s", se.Name.Local, out)
		}
		for _, a := range se.Attr {
			if !contains(attrs, a.Name.Local) {
				t.Fatalf("attribute %s on <%s> reached the output:\n%s", a.Name.Local, se.Name.Local, out)
			}
			switch a.Name.Local {
			case "href":
				u, err := url.Parse(a.Value)
				if err != nil || !(u.Scheme == "http" || u.Scheme == "https" || (u.Scheme == "" && strings.HasPrefix(a.Value, "/") && !strings.HasPrefix(a.Value, "//"))) {
					t.Fatalf("unsafe link %q:\n%s", a.Value, out)
				}
			case "src":
				found := false
				for _, im := range images {
					found = found || im.URL == a.Value
				}
				if !found {
					t.Fatalf("picture %q is not one of the item's:\n%s", a.Value, out)
				}
			}
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestRenderNeutralisesScript(t *testing.T) {
	images := []Image{{Number: 1, URL: "/news/7/images/3", Alt: "Lớp học \"tối\" <b>", Width: 800, Height: 600}}
	for _, c := range []struct{ name, text, mustNot string }{
		{"script tag", "Xin chào <script>alert(1)</script>", "<script"},
		{"image with onerror", `<img src=x onerror="alert(1)">`, "<img src=x"},
		{"style element", "<style>body{display:none}</style>", "<style"},
		{"style attribute", `<p style="color:red">đỏ</p>`, `<p style`},
		{"javascript link", "[bấm vào đây](javascript:alert(1))", "javascript:"},
		{"javascript link leaves no trace", "[bấm vào đây](javascript:alert(1)) sau", "đây) sau"},
		{"javascript link, mixed case and spaces", "[x](JaVaScRiPt:alert(1))", "JaVaScRiPt:"},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"},
		{"protocol-relative link", "[x](//evil.example/)", "evil.example"},
		{"attribute breaking out of href", `[x](https://a.example/"onmouseover="alert(1))`, "onmouseover=\""},
		{"entity-encoded javascript", "[x](&#106;avascript:alert(1))", "href=\"&amp;#106"},
		{"svg onload", "<svg onload=alert(1)>", "<svg"},
		{"iframe", "<iframe src=https://evil.example></iframe>", "<iframe"},
		{"script in a heading", "## <script>x</script>", "<script"},
		{"script in a list", "- <script>x</script>", "<script"},
		{"unknown picture", "[ảnh 9]", "<img"},
		{"picture alt breaking out", "[ảnh 1]", "<b>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := Render(c.text, images, "").HTML
			if strings.Contains(out, c.mustNot) {
				t.Fatalf("%q reached the output:\n%s", c.mustNot, out)
			}
			checkSafe(t, out, images)
		})
	}
}

func TestRenderFormatting(t *testing.T) {
	images := []Image{{Number: 1, URL: "/news/7/images/3", Alt: "Khai mạc"}, {Number: 2, URL: "/news/7/images/4"}}
	text := "## Tuần lễ học tập\n\nMời **mọi người** tham gia *đông đủ*.\nDòng hai với snake_case_name.\n\n" +
		"- Thứ Hai: khai mạc\n- Thứ Ba: [tọa đàm](https://hanoi.gov.vn/tin?id=1&x=2)\n\n1. Đăng ký\n2. Tham gia\n\n[ảnh 1]\n\nXem /programmes hoặc https://example.vn/a."
	r := Render(text, images, "")
	for _, want := range []string{
		"<h2>Tuần lễ học tập</h2>",
		"<p>Mời <strong>mọi người</strong> tham gia <em>đông đủ</em>.<br/>Dòng hai với snake_case_name.</p>",
		"<ul>\n<li>Thứ Hai: khai mạc</li>\n<li>Thứ Ba: <a href=\"https://hanoi.gov.vn/tin?id=1&amp;x=2\" rel=\"nofollow noopener\">tọa đàm</a></li>\n</ul>",
		"<ol>\n<li>Đăng ký</li>\n<li>Tham gia</li>\n</ol>",
		`<figure><img src="/news/7/images/3" alt="Khai mạc" loading="lazy" decoding="async" /><figcaption>Khai mạc</figcaption></figure>`,
		`<a href="https://example.vn/a" rel="nofollow noopener">https://example.vn/a</a>.`,
	} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("missing %q in\n%s", want, r.HTML)
		}
	}
	if len(r.Unplaced) != 1 || r.Unplaced[0].Number != 2 {
		t.Errorf("unplaced pictures: %+v, want picture 2", r.Unplaced)
	}
	checkSafe(t, r.HTML, images)
	// In a feed, the site's own paths become absolute.
	if got := Render("[chương trình](/programmes)", nil, "https://hoctap.example").HTML; !strings.Contains(got, `href="https://hoctap.example/programmes"`) {
		t.Errorf("feed link not absolute: %s", got)
	}
}

func TestPlainText(t *testing.T) {
	got := PlainText("## Tiêu đề\n\nMột **câu** với [liên kết](https://a.vn).\n[ảnh 1]\n- mục", 0)
	if want := "Tiêu đề Một câu với liên kết. mục"; got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
	if got := PlainText(strings.Repeat("chữ ", 100), 20); len([]rune(got)) > 20 || !strings.HasSuffix(got, "…") {
		t.Errorf("cut text %q", got)
	}
}

func TestValidate(t *testing.T) {
	ok := Input{Kind: KindCampaign, Audience: AudienceCommune, CommuneCode: "00004", Title: "Tuần lễ", Body: "x", StartsOn: "2026-10-01", EndsOn: "2026-10-07"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid input refused: %v", err)
	}
	for _, c := range []struct {
		name  string
		edit  func(*Input)
		field string
	}{
		{"campaign without end", func(in *Input) { in.EndsOn = "" }, "ends_on"},
		{"end before start", func(in *Input) { in.EndsOn = "2026-09-01" }, "ends_on"},
		{"bad date", func(in *Input) { in.StartsOn = "01/10/2026" }, "starts_on"},
		{"no title", func(in *Input) { in.Title = "  " }, "title"},
		{"unknown kind", func(in *Input) { in.Kind = "ad" }, "kind"},
		{"commune without code", func(in *Input) { in.CommuneCode = "" }, "commune_code"},
		{"unit without unit", func(in *Input) { in.Audience = AudienceUnit }, "work_unit_id"},
		{"no text", func(in *Input) { in.Body, in.Summary = "", "" }, "body"},
	} {
		in := ok
		c.edit(&in)
		err := in.Validate()
		found := false
		for _, e := range faultFields(err) {
			found = found || e == c.field
		}
		if !found {
			t.Errorf("%s: error %v, want one on %s", c.name, err, c.field)
		}
	}
}

func TestImageType(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	if ct, err := ImageType(png); err != nil || ct != "image/png" {
		t.Errorf("PNG: %q %v", ct, err)
	}
	webp := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), make([]byte, 16)...)
	if ct, err := ImageType(webp); err != nil || ct != "image/webp" {
		t.Errorf("WebP: %q %v", ct, err)
	}
	for name, data := range map[string][]byte{
		"empty":         nil,
		"html":          []byte("<html><script>alert(1)</script></html>"),
		"pdf":           []byte("%PDF-1.7\n"),
		"exe named jpg": []byte("MZ\x90\x00\x03\x00\x00\x00"),
		"too large":     append(append([]byte{}, png...), make([]byte, MaxImageBytes)...),
	} {
		if _, err := ImageType(data); err == nil {
			t.Errorf("%s accepted as a picture", name)
		}
	}
}

func faultFields(err error) []string {
	var out []string
	for _, e := range fault.FieldErrors(err) {
		out = append(out, e.Field)
	}
	return out
}
