package faults

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// client is one user's browser: its own cookies, redirects not followed, so that the test sees
// the 303 that acknowledges a form.
type client struct {
	base string
	lang string // Accept-Language
	hc   *http.Client
}

// requestTimeout bounds one request: a server that hangs fails the test instead of stalling it.
const requestTimeout = 60 * time.Second

func newClient(baseURL string) *client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &client{base: baseURL, lang: "vi-VN,vi", hc: &http.Client{
		Jar:     jar,
		Timeout: requestTimeout,
		// Each client has its own connections, like separate browsers.
		Transport: &http.Transport{MaxIdleConnsPerHost: 2, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// response is what the test looks at in an answer.
type response struct {
	Status   int
	Location string
	Body     string
}

// acknowledged tells whether the server accepted a form: POST → redirect → GET.
func (r response) acknowledged() bool { return r.Status == http.StatusSeeOther }

// says tells whether the page's text holds phrase, whatever the case and HTML escaping.
func (r response) says(phrase string) bool {
	return strings.Contains(strings.ToLower(html.UnescapeString(r.Body)), strings.ToLower(phrase))
}

func (r response) String() string {
	body := r.Body
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 600 {
		body = body[:600] + "…"
	}
	return fmt.Sprintf("status %d, location %q, body %q", r.Status, r.Location, body)
}

func (c *client) do(ctx context.Context, method, path, contentType string, body io.Reader) (response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return response{}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept-Language", c.lang)
	resp, err := c.hc.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(b)}, nil
}

func (c *client) get(ctx context.Context, path string) (response, error) {
	return c.do(ctx, http.MethodGet, path, "", nil)
}

func (c *client) postForm(ctx context.Context, path string, form url.Values) (response, error) {
	return c.do(ctx, http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// upload is one file of a multipart form.
type upload struct {
	Field, Name string
	Data        []byte
}

func (c *client) postMultipart(ctx context.Context, path string, form url.Values, files []upload) (response, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				return response{}, err
			}
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.Field, f.Name)
		if err != nil {
			return response{}, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return response{}, err
		}
	}
	if err := mw.Close(); err != nil {
		return response{}, err
	}
	return c.do(ctx, http.MethodPost, path, mw.FormDataContentType(), &buf)
}

// useSession makes the client send a session made in the fixture.
func (c *client) useSession(token string) {
	u, _ := url.Parse(c.base) // the server printed it
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "hoctap_session", Value: token, Path: "/"}})
}

// login signs in through the login form.
func (c *client) login(ctx context.Context, login, password string) error {
	r, err := c.postForm(ctx, "/login", url.Values{"login": {login}, "password": {password}, "next": {"/"}})
	if err != nil {
		return fmt.Errorf("sign in as %s: %w", login, err)
	}
	if !r.acknowledged() {
		return fmt.Errorf("sign in as %s: %s", login, r)
	}
	return nil
}

// submission is the self-assessment form of one assessment, as the collector fills it in for
// the person (assisted entry, consent given on paper), with evidence files when given.
func submission(p pledge, evidence []upload) (url.Values, []upload) {
	form := url.Values{"target_group": {p.Group}, "consent_method": {"paper"}}
	for _, in := range env.fx.Indicators[p.Group] {
		form.Set(in.Code, fmt.Sprint(in.Points))
	}
	return form, evidence
}

// submit posts a self-assessment.
func (c *client) submit(ctx context.Context, p pledge, evidence []upload) (response, error) {
	form, files := submission(p, evidence)
	return c.postMultipart(ctx, fmt.Sprintf("/assessments/%d/submit", p.ID), form, files)
}
