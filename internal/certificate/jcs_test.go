package certificate

import (
	"math"
	"testing"
)

// TestCanonical checks the JSON Canonicalization Scheme against the examples of RFC 8785 and
// the cases that matter for Vietnamese documents.
func TestCanonical(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{
			"RFC 8785 §3.2.2 example",
			`{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`,
			`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
		},
		{
			// Sorted by UTF-16 code units: the emoji's surrogates come before U+FB33.
			"RFC 8785 §3.2.3 sorting",
			`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
			"{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\U0001F600\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
		},
		{
			"key order, nested",
			`{ "b": 1, "a": { "z": [ 3, 2, 1 ], "y": {} }, "A": [] }`,
			`{"A":[],"a":{"y":{},"z":[3,2,1]},"b":1}`,
		},
		{
			"no HTML escaping",
			`{"html": "<b>Tom & Jerry</b>", "u": "\u003c\u003e\u0026"}`,
			`{"html":"<b>Tom & Jerry</b>","u":"<>&"}`,
		},
		{
			"Vietnamese kept literal",
			`{"name": "Nguy\u1ec5n Th\u1ecb H\u1eb1ng", "place": "Phường Ba Đình"}`,
			`{"name":"Nguyễn Thị Hằng","place":"Phường Ba Đình"}`,
		},
		{
			"controls and separators",
			`{"s": "tab\tnl\nbell\u0007del\u007fls\u2028"}`,
			"{\"s\":\"tab\\tnl\\nbell\\u0007del\u007fls\u2028\"}",
		},
		{
			"integers and signs",
			`[0, -0, 2026, -1, 1e21, 1e20, 123456789012345678901, 0.1, -1.5e-7, 1e-6]`,
			`[0,0,2026,-1,1e+21,100000000000000000000,123456789012345680000,0.1,-1.5e-7,0.000001]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := parseJSON([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := canonical(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCanonicalGoValues(t *testing.T) {
	got, err := canonical(map[string]any{"year": 2026, "list": []string{"a&b"}, "ok": true, "none": nil})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"list":["a&b"],"none":null,"ok":true,"year":2026}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), "\xff", struct{}{}} {
		if _, err := canonical(bad); err == nil {
			t.Errorf("canonical(%#v): no error", bad)
		}
	}
}

func TestParseJSONStrict(t *testing.T) {
	for _, in := range []string{
		`{"a": 1, "a": 2}`,
		`{"a": 1} {"b": 2}`,
		`{"a": 1`,
		"{\"a\": \"\xff\"}",
	} {
		if _, err := parseJSON([]byte(in)); err == nil {
			t.Errorf("parseJSON(%q): no error", in)
		}
	}
}

func TestBase58(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"\x00\x00\x01", "112"},
		{"Hello World!", "2NEpo7TZRRrLZSi2U"},
		{"The quick brown fox jumps over the lazy dog.", "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
	}
	for _, tt := range tests {
		if got := base58Encode([]byte(tt.in)); got != tt.want {
			t.Errorf("base58Encode(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if tt.want == "" {
			continue
		}
		back, err := base58Decode(tt.want)
		if err != nil || string(back) != tt.in {
			t.Errorf("base58Decode(%s) = %q, %v", tt.want, back, err)
		}
	}
	if _, err := base58Decode("0OIl"); err == nil {
		t.Error("base58Decode accepted characters outside the alphabet")
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Công dân học tập":        "cong-dan-hoc-tap",
		"Gia đình học tập":        "gia-dinh-hoc-tap",
		"  Đơn vị học tập (2026)": "don-vi-hoc-tap-2026",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
