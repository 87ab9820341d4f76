package certificate

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The JSON-LD contexts of a Verifiable Credential 2.0 that is an Open Badges 3.0 credential.
// The few terms of our own (verificationCode, titleYear, birthYear, residence, decisionNumber,
// decisionDate) need no context of their own: the VC 2.0 context's @vocab makes them
// issuer-dependent terms (https://www.w3.org/ns/credentials/issuer-dependent#).
const (
	contextVC  = "https://www.w3.org/ns/credentials/v2"
	contextOB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

	proofType   = "DataIntegrityProof"
	cryptosuite = "eddsa-jcs-2022"
	purpose     = "assertionMethod"
)

// Issuer signs credentials.
type Issuer struct {
	ID   string             // a did:key derived from the public key (see KeyDID)
	Name string             // issuing body
	URL  string             // public base URL of the deployment
	Key  ed25519.PrivateKey // the signing key; its public half is in ID
}

// NewIssuer returns the issuer that signs with key, named by the did:key of its public key.
// A key of the wrong length gives an issuer with no ID, which Credential refuses.
func NewIssuer(name, baseURL string, key ed25519.PrivateKey) Issuer {
	iss := Issuer{Name: clean(name), URL: strings.TrimRight(strings.TrimSpace(baseURL), "/"), Key: key}
	if len(key) == ed25519.PrivateKeySize {
		iss.ID = KeyDID(key.Public().(ed25519.PublicKey))
	}
	return iss
}

// multicodec prefix of an Ed25519 public key (0xed as an unsigned varint), as did:key uses it.
var ed25519PubCodec = []byte{0xed, 0x01}

// KeyDID returns the did:key of an Ed25519 public key: "did:key:z6Mk…", the key prefixed with
// its multicodec code 0xed01, in base58btc, with the multibase prefix 'z'
// (https://w3c-ccg.github.io/did-key-spec/). The DID is the key itself, so a verifier needs no
// network call and no registry to find it.
func KeyDID(pub ed25519.PublicKey) string {
	return "did:key:" + multibaseKey(pub)
}

func multibaseKey(pub ed25519.PublicKey) string {
	return "z" + base58Encode(append(append([]byte(nil), ed25519PubCodec...), pub...))
}

// keyFromDID reads the public key back from a did:key made by KeyDID.
func keyFromDID(did string) (ed25519.PublicKey, error) {
	mb, ok := strings.CutPrefix(did, "did:key:")
	if !ok || !strings.HasPrefix(mb, "z") {
		return nil, fmt.Errorf("%q is not a base58btc did:key", did)
	}
	b, err := base58Decode(mb[1:])
	if err != nil {
		return nil, fmt.Errorf("did:key: %w", err)
	}
	if len(b) != 2+ed25519.PublicKeySize || !bytes.HasPrefix(b, ed25519PubCodec) {
		return nil, fmt.Errorf("%q is not an Ed25519 did:key", did)
	}
	return ed25519.PublicKey(b[2:]), nil
}

// Credential returns a W3C Verifiable Credential 2.0 JSON document, typed as an Open Badges 3.0
// AchievementCredential, for the certificate, signed with a DataIntegrityProof using the
// eddsa-jcs-2022 cryptosuite (https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022). Its
// verificationMethod is the issuer's did:key, so it verifies with no call to the server. The
// document is indented for people; its members are in canonical order. The same inputs give
// the same bytes (Ed25519 signatures are deterministic).
func Credential(c Certificate, iss Issuer, issuedAt time.Time) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if len(iss.Key) != ed25519.PrivateKeySize {
		return nil, errors.New("certificate: issuer has no Ed25519 signing key")
	}
	if want := KeyDID(iss.Key.Public().(ed25519.PublicKey)); iss.ID != want {
		return nil, fmt.Errorf("certificate: issuer ID %q is not the did:key of its key (%s)", iss.ID, want)
	}
	if strings.TrimSpace(iss.Name) == "" {
		return nil, errors.New("certificate: issuer name is required")
	}
	if issuedAt.IsZero() {
		return nil, errors.New("certificate: issue time is required")
	}
	c = c.normalised()
	iss.Name = clean(iss.Name)

	doc := credentialDocument(c, iss, issuedAt)
	options := map[string]any{
		"type":               proofType,
		"cryptosuite":        cryptosuite,
		"created":            timestamp(issuedAt),
		"verificationMethod": iss.ID + "#" + strings.TrimPrefix(iss.ID, "did:key:"),
		"proofPurpose":       purpose,
	}
	proof, err := createProof(doc, options, iss.Key)
	if err != nil {
		return nil, fmt.Errorf("certificate: sign credential: %w", err)
	}
	doc["proof"] = proof
	flat, err := canonical(doc)
	if err != nil {
		return nil, fmt.Errorf("certificate: credential: %w", err)
	}
	// Indentation only adds white space between tokens, which canonicalisation removes again,
	// and json.Indent escapes nothing, so the Vietnamese text stays literal.
	var out bytes.Buffer
	if err := json.Indent(&out, flat, "", "  "); err != nil {
		return nil, fmt.Errorf("certificate: credential: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// timestamp is a VC dateTimeStamp: UTC, to the second.
func timestamp(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// credentialDocument is the unsigned credential.
func credentialDocument(c Certificate, iss Issuer, issuedAt time.Time) map[string]any {
	issuer := map[string]any{"id": iss.ID, "type": []any{"Profile"}, "name": iss.Name}
	if iss.URL != "" {
		issuer["url"] = iss.URL
	}
	// The decision's date is a calendar date in Hà Nội; awardedDate gives it as that day's
	// midnight there.
	d := c.DecisionDate.In(ict)
	decisionDate := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, ict)
	decision := fmt.Sprintf("Quyết định số %s ngày %s", c.DecisionNumber, decisionDate.Format("02/01/2006"))
	titleYear := fmt.Sprintf("«%s» năm %d", c.TitleVI, c.Year)
	describe := "Danh hiệu " + titleYear
	if c.TitleEN != "" {
		describe += fmt.Sprintf(" (%s %d)", c.TitleEN, c.Year)
	}

	subject := map[string]any{
		"type": []any{"AchievementSubject"},
		// Open Badges 3.0 names a holder who has no DID by an IdentityObject; the name is
		// given in clear, as it is printed on the paper certificate.
		"identifier": []any{map[string]any{
			"type":         "IdentityObject",
			"identityType": "name",
			"hashed":       false,
			"identityHash": c.FullName,
		}},
		"achievement": map[string]any{
			"id":              "urn:hoctap:title:" + slug(c.TitleVI) + ":" + strconv.Itoa(c.Year),
			"type":            []any{"Achievement"},
			"achievementType": "Award",
			"name":            c.TitleVI,
			"titleYear":       c.Year,
			"description":     describe + ".",
			"criteria": map[string]any{
				"narrative": fmt.Sprintf("Được công nhận danh hiệu %s theo %s của %s.", titleYear, decision, c.IssuingBody),
			},
			"inLanguage": "vi",
		},
	}
	if c.BirthYear > 0 {
		subject["birthYear"] = c.BirthYear
	}
	if r := joinNonEmpty(", ", c.CommuneName, c.ProvinceName); r != "" {
		subject["residence"] = r
	}
	evidence := map[string]any{
		"type":           []any{"Evidence"},
		"name":           decision,
		"genre":          "Quyết định công nhận",
		"decisionNumber": c.DecisionNumber,
		"decisionDate":   decisionDate.Format(time.DateOnly),
	}
	if c.Signer != "" {
		evidence["description"] = strings.TrimSuffix("Người ký: "+c.Signer+", "+c.SignerTitle, ", ")
	}

	return map[string]any{
		"@context":          []any{contextVC, contextOB3},
		"id":                c.VerifyURL,
		"type":              []any{"VerifiableCredential", "AchievementCredential"},
		"name":              "Giấy chứng nhận danh hiệu " + titleYear,
		"description":       describe + ", " + decision + ".",
		"issuer":            issuer,
		"validFrom":         timestamp(issuedAt),
		"awardedDate":       decisionDate.Format(time.RFC3339),
		"credentialSubject": subject,
		"evidence":          []any{evidence},
		"verificationCode":  c.Code,
	}
}

// slug folds a title to lower-case ASCII words joined by '-': "Công dân học tập" →
// "cong-dan-hoc-tap". đ is a letter of its own, not d with a mark, so it is mapped by hand.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		}
		r = unicode.ToLower(r)
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// createProof is the eddsa-jcs-2022 "Create Proof" algorithm (VC DI EdDSA §3.3.1): the
// proof is the options with the document's @context, and its proofValue is the Ed25519
// signature of SHA-256(JCS(proof config)) ‖ SHA-256(JCS(document)), in multibase base58btc.
func createProof(doc, options map[string]any, key ed25519.PrivateKey) (map[string]any, error) {
	proof := maps.Clone(options)
	if ctx, ok := doc["@context"]; ok {
		proof["@context"] = ctx
	}
	data, err := hashData(doc, proof)
	if err != nil {
		return nil, err
	}
	proof["proofValue"] = "z" + base58Encode(ed25519.Sign(key, data))
	return proof, nil
}

// hashData is the suite's hashing step: the proof configuration's hash, then the
// document's, each SHA-256 of the JCS form (VC DI EdDSA §3.3.4).
func hashData(doc, proofConfig map[string]any) ([]byte, error) {
	if proofConfig["type"] != proofType || proofConfig["cryptosuite"] != cryptosuite {
		return nil, fmt.Errorf("proof is not a %s with cryptosuite %s", proofType, cryptosuite)
	}
	if created, ok := proofConfig["created"]; ok {
		s, _ := created.(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return nil, fmt.Errorf("proof created %v is not a date-time", created)
		}
	}
	cfg, err := canonical(proofConfig)
	if err != nil {
		return nil, err
	}
	body, err := canonical(doc)
	if err != nil {
		return nil, err
	}
	h1, h2 := sha256.Sum256(cfg), sha256.Sum256(body)
	return append(h1[:], h2[:]...), nil
}

// verifyProof is the suite's "Verify Proof" algorithm (VC DI EdDSA §3.3.2) for a secured
// document with one proof, against pub.
func verifyProof(secured map[string]any, pub ed25519.PublicKey) error {
	proof, ok := secured["proof"].(map[string]any)
	if !ok {
		return errors.New("no single proof object")
	}
	value, _ := proof["proofValue"].(string)
	mb, ok := strings.CutPrefix(value, "z")
	if !ok {
		return errors.New("proofValue is not multibase base58btc")
	}
	sig, err := base58Decode(mb)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("proofValue is not an Ed25519 signature")
	}
	options := maps.Clone(proof)
	delete(options, "proofValue")
	unsecured := maps.Clone(secured)
	delete(unsecured, "proof")
	// The proof carries the @context the signer saw; the document's must start with it, and
	// the document is checked as if it had exactly that context.
	if pctx, ok := options["@context"]; ok {
		if err := contextStartsWith(secured["@context"], pctx); err != nil {
			return err
		}
		unsecured["@context"] = pctx
	}
	data, err := hashData(unsecured, options)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, data, sig) {
		return errors.New("signature does not match")
	}
	return nil
}

func contextStartsWith(doc, prefix any) error {
	asList := func(v any) []any {
		if l, ok := v.([]any); ok {
			return l
		}
		return []any{v}
	}
	d, p := asList(doc), asList(prefix)
	if len(p) > len(d) {
		return errors.New("the document's @context does not start with the proof's")
	}
	for i := range p {
		a, errA := canonical(d[i])
		b, errB := canonical(p[i])
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			return errors.New("the document's @context does not start with the proof's")
		}
	}
	return nil
}

// Claims is what a verified credential says.
type Claims struct {
	Code, FullName, TitleVI string
	Year                    int
	IssuerName, IssuerDID   string
	DecisionNumber          string
	IssuedAt                time.Time
}

// ErrInvalid is wrapped by every error of VerifyCredential: the document is not a credential
// this package made, or it was changed after it was signed.
var ErrInvalid = errors.New("invalid credential")

// VerifyCredential checks the proof against the key in its did:key and returns the claims;
// any change to the document makes it fail. It proves only that the holder of the key in
// Claims.IssuerDID signed the document: anyone can make a key and sign a look-alike, so a
// caller that trusts an issuer must compare IssuerDID with that issuer's DID.
func VerifyCredential(data []byte) (Claims, error) {
	fail := func(format string, args ...any) (Claims, error) {
		return Claims{}, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
	}
	v, err := parseJSON(data)
	if err != nil {
		return fail("%v", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return fail("not a JSON object")
	}
	proof, ok := doc["proof"].(map[string]any)
	if !ok {
		return fail("it has no proof, or more than one")
	}
	if proof["proofPurpose"] != purpose {
		return fail("proof purpose is %v, not %s", proof["proofPurpose"], purpose)
	}
	vm, _ := proof["verificationMethod"].(string)
	did, fragment, _ := strings.Cut(vm, "#")
	if fragment != strings.TrimPrefix(did, "did:key:") {
		return fail("verification method %q is not a did:key key", vm)
	}
	pub, err := keyFromDID(did)
	if err != nil {
		return fail("%v", err)
	}
	// The key must be the issuer's own: otherwise anyone could sign a credential that names
	// somebody else as its issuer.
	issuerID, _ := doc["issuer"].(string)
	issuer, _ := doc["issuer"].(map[string]any)
	if issuer != nil {
		issuerID = str(issuer, "id")
	}
	if issuerID != did {
		return fail("signed by %s, not by its issuer %q", did, issuerID)
	}
	if err := verifyProof(doc, pub); err != nil {
		return fail("%v", err)
	}

	// The signature holds; now read what it says, from the same parsed document (not with
	// encoding/json, whose case-insensitive field matching could read another member).
	types := strs(doc["type"])
	if !slices.Contains(types, "VerifiableCredential") ||
		!(slices.Contains(types, "AchievementCredential") || slices.Contains(types, "OpenBadgeCredential")) {
		return fail("type %v is not an achievement credential", types)
	}
	issued, err := time.Parse(time.RFC3339, str(doc, "validFrom"))
	if err != nil {
		return fail("validFrom %q is not a date-time", str(doc, "validFrom"))
	}
	subject, _ := doc["credentialSubject"].(map[string]any)
	achievement, _ := subject["achievement"].(map[string]any)
	year, _ := strconv.Atoi(fmt.Sprint(achievement["titleYear"]))
	c := Claims{
		Code:       str(doc, "verificationCode"),
		TitleVI:    str(achievement, "name"),
		Year:       year,
		IssuerName: str(issuer, "name"),
		IssuerDID:  did,
		IssuedAt:   issued,
	}
	ids, _ := subject["identifier"].([]any)
	for _, v := range ids {
		id, _ := v.(map[string]any)
		if str(id, "identityType") == "name" && id["hashed"] == false {
			c.FullName = str(id, "identityHash")
			break
		}
	}
	evidence, _ := doc["evidence"].([]any)
	for _, v := range evidence {
		e, _ := v.(map[string]any)
		if n := str(e, "decisionNumber"); n != "" {
			c.DecisionNumber = n
			break
		}
	}
	if c.Code == "" || c.FullName == "" || c.TitleVI == "" || c.Year == 0 {
		return fail("it is not a certificate of a title (code, name, title or year missing)")
	}
	return c, nil
}

// str is the string member k of m, or "" (also when m is nil).
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// strs is a JSON string or array of strings as a list.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
