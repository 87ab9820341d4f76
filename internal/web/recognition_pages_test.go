package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hoctap/internal/criteria"
)

// TestCriteriaUploadListsEveryProblem uploads a set with two mistakes through the page: both
// are listed, nothing is stored; the corrected file is stored as a new version.
func TestCriteriaUploadListsEveryProblem(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before, err := f.db.CriteriaSets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var set map[string]any
	if err := json.Unmarshal(criteria.DefaultJSON(), &set); err != nil {
		t.Fatal(err)
	}
	set["version"] = "2027.1"
	groups := set["target_groups"].([]any)
	inds := groups[0].(map[string]any)["indicators"].([]any)
	inds[1].(map[string]any)["code"] = inds[0].(map[string]any)["code"] // a duplicate indicator code
	set["pass_rule"].(map[string]any)["min_total"] = 101                // a pass rule never met
	bad, _ := json.Marshal(set)
	upload := func(body []byte) result {
		ct, b := multipartBody(nil, "bo-tieu-chi.json", body)
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/criteria", bytes.NewReader(b))
		req.Header.Set("Content-Type", ct)
		return f.do(t, "city_officer", req)
	}
	res := upload(bad)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad set: status %d", res.status)
	}
	for _, want := range []string{"target_groups[0].indicators[1].code", "pass_rule.min_total"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the refusal does not name %s", want)
		}
	}
	after, _ := f.db.CriteriaSets(ctx)
	if len(after) != len(before) {
		t.Fatalf("a refused set was stored: %d sets, had %d", len(after), len(before))
	}
	set["pass_rule"].(map[string]any)["min_total"] = 80
	inds[1].(map[string]any)["code"] = "CS02"
	good, _ := json.Marshal(set)
	if res := upload(good); res.status != http.StatusSeeOther {
		t.Fatalf("good set: status %d", res.status)
	}
	if res := upload(good); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "2027.1") {
		t.Fatalf("the same version twice: status %d", res.status)
	}
}

// TestEvidenceCheckedByContent sends an executable renamed .jpg and a body over the limit
// through the self-assessment form: both refused with a message, nothing attached.
func TestEvidenceCheckedByContent(t *testing.T) {
	f := newFixture(t)
	ids := seedRecognition(t, f)
	ctx := context.Background()
	count := func() int {
		es, err := f.db.EvidenceOf(ctx, ids.own)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	had := count()
	fields := map[string]string{}
	for i := 1; i <= 10; i++ {
		fields[fmt.Sprintf("CS%02d", i)] = "9"
	}
	post := func(body []byte, ct string) result {
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/assessments/%d/submit", f.srv.URL, ids.own), bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		return f.do(t, "citizen", req)
	}
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 200)...)
	ct, body := multipartFile(fields, "evidence_CS01", "anh-chup.jpg", elf)
	res := post(body, ct)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "không phải") {
		t.Fatalf("executable as evidence: status %d\n%s", res.status, res.body[strings.Index(res.body, "<main"):])
	}
	big := bytes.Repeat([]byte{0xff}, 40<<20)
	ct, body = multipartFile(fields, "evidence_CS01", "lon.jpg", big)
	if res := post(body, ct); res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("40 MB upload: status %d", res.status)
	}
	if n := count(); n != had {
		t.Fatalf("evidence attached despite the refusals: %d files, had %d", n, had)
	}
}

// TestVerifyPageIsRateLimited checks that one address cannot walk the code space.
func TestVerifyPageIsRateLimited(t *testing.T) {
	f := newFixture(t)
	last := 0
	for i := 0; i < 40; i++ {
		last = f.get(t, "anonymous", "/verify/aaaaaaaaaaaaaaaaaaaaaaaaaa").status
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("the 40th look-up in a minute: status %d, want 429", last)
	}
}

// TestVerificationPageShowsMaskedName checks the public page of a valid and of a revoked
// certificate: the name partly masked, no ID number.
func TestVerificationPageShowsMaskedName(t *testing.T) {
	f := newFixture(t)
	ids := seedRecognition(t, f)
	a, err := f.db.Assessment(context.Background(), ids.r)
	if err != nil {
		t.Fatal(err)
	}
	res := f.get(t, "anonymous", "/verify/"+ids.code)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Giấy chứng nhận hợp lệ") {
		t.Fatalf("valid certificate: status %d", res.status)
	}
	if strings.Contains(res.body, a.FullName) || (a.NationalID != "" && strings.Contains(res.body, a.NationalID)) {
		t.Fatal("the public page shows the full name or the ID")
	}
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/assessments/%d/revoke", f.srv.URL, ids.r), strings.NewReader("reason=Khai+sai+minh+ch%E1%BB%A9ng"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := f.do(t, "commune_officer", req); res.status != http.StatusSeeOther {
		t.Fatalf("revoke: status %d", res.status)
	}
	res = f.get(t, "anonymous", "/verify/"+ids.code)
	if !strings.Contains(res.body, "đã bị thu hồi") || !strings.Contains(res.body, "Khai sai minh chứng") {
		t.Fatal("the revoked certificate is not shown as revoked with its reason")
	}
	if res := f.get(t, "anonymous", "/verify/bbbbbbbbbbbbbbbbbbbbbbbbbb"); res.status != http.StatusNotFound {
		t.Fatalf("unknown code: status %d", res.status)
	}
}
