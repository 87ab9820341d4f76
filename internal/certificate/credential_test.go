package certificate

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// testKey is a fixed key, so that the tests are repeatable.
func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

var issuedAt = time.Date(2026, 12, 8, 9, 30, 0, 0, ict)

func signed(t *testing.T) ([]byte, Issuer) {
	t.Helper()
	iss := NewIssuer("Hội Khuyến học phường Ba Đình", "https://hoctap.hanoi.gov.vn/", testKey(7))
	doc, err := Credential(sample()[0], iss, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	return doc, iss
}

func TestCredentialVerifies(t *testing.T) {
	doc, iss := signed(t)
	got, err := VerifyCredential(doc)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	want := Claims{
		Code:           "7KQ2-M9XH-4TZP-WB3D",
		FullName:       "Nguyễn Thị Hằng",
		TitleVI:        "Công dân học tập",
		Year:           2026,
		IssuerName:     "Hội Khuyến học phường Ba Đình",
		IssuerDID:      iss.ID,
		DecisionNumber: "15/QĐ-HKH",
		IssuedAt:       time.Date(2026, 12, 8, 2, 30, 0, 0, time.UTC),
	}
	if !got.IssuedAt.Equal(want.IssuedAt) {
		t.Errorf("IssuedAt = %v, want %v", got.IssuedAt, want.IssuedAt)
	}
	got.IssuedAt = want.IssuedAt
	if got != want {
		t.Errorf("claims\n got %+v\nwant %+v", got, want)
	}
	if !strings.HasPrefix(iss.ID, "did:key:z6Mk") {
		t.Errorf("issuer DID %q is not an Ed25519 did:key", iss.ID)
	}

	// The document is what a wallet expects of an Open Badges 3.0 credential.
	var vc map[string]any
	if err := json.Unmarshal(doc, &vc); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"https://www.w3.org/ns/credentials/v2"`,
		`"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`,
		`"AchievementCredential"`,
		`"cryptosuite": "eddsa-jcs-2022"`,
		`"verificationMethod": "` + iss.ID + "#" + strings.TrimPrefix(iss.ID, "did:key:") + `"`,
		`"id": "https://hoctap.hanoi.gov.vn/verify/7KQ2-M9XH-4TZP-WB3D"`,
		`"url": "https://hoctap.hanoi.gov.vn"`,
		`"identityHash": "Nguyễn Thị Hằng"`, // literal, not \u-escaped
		`"validFrom": "2026-12-08T02:30:00Z"`,
	} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("credential lacks %s:\n%s", want, doc)
		}
	}

	again, err := Credential(sample()[0], iss, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, again) {
		t.Error("the same credential signed twice differs")
	}
}

// TestCredentialWhitespace checks that only the JSON, not its layout, is signed: a verifier
// may pretty-print or compact the file.
func TestCredentialWhitespace(t *testing.T) {
	doc, _ := signed(t)
	var compact bytes.Buffer
	if err := json.Compact(&compact, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyCredential(compact.Bytes()); err != nil {
		t.Errorf("compacted credential: %v", err)
	}
}

func TestCredentialTampered(t *testing.T) {
	doc, iss := signed(t)
	other := KeyDID(testKey(8).Public().(ed25519.PublicKey))

	tests := []struct {
		name   string
		change func([]byte) []byte
	}{
		{"one byte of the name", func(d []byte) []byte {
			i := bytes.Index(d, []byte("Hằng"))
			d[i] = 'K' // "Kằng"
			return d
		}},
		{"the year", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"titleYear": 2026`), []byte(`"titleYear": 2025`), 1)
		}},
		{"the decision", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"decisionNumber": "15/`), []byte(`"decisionNumber": "16/`), 1)
		}},
		{"another key's did:key everywhere", func(d []byte) []byte {
			return bytes.ReplaceAll(d, []byte(strings.TrimPrefix(iss.ID, "did:key:")), []byte(strings.TrimPrefix(other, "did:key:")))
		}},
		{"another key as verification method only", func(d []byte) []byte {
			vm := iss.ID + "#" + strings.TrimPrefix(iss.ID, "did:key:")
			return bytes.Replace(d, []byte(vm), []byte(other+"#"+strings.TrimPrefix(other, "did:key:")), 1)
		}},
		{"a duplicate member", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"verificationCode"`), []byte(`"verificationCode": "XXXX", "verificationCode"`), 1)
		}},
		{"a member added", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"verificationCode"`), []byte(`"validUntil": "2030-01-01T00:00:00Z", "verificationCode"`), 1)
		}},
		{"the proof's context", func(d []byte) []byte {
			i := bytes.LastIndex(d, []byte(`"@context": [`))
			return append(d[:i:i], bytes.Replace(d[i:], []byte(`"https://www.w3.org/ns/credentials/v2",`), nil, 1)...)
		}},
		{"no proof value", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"proofValue": "z`), []byte(`"proofValue": "`), 1)
		}},
		{"not JSON", func(d []byte) []byte { return d[:len(d)/2] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := tt.change(bytes.Clone(doc))
			if bytes.Equal(changed, doc) {
				t.Fatal("the test changed nothing")
			}
			_, err := VerifyCredential(changed)
			if err == nil {
				t.Fatalf("tampered credential verified:\n%s", changed)
			}
			if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "invalid credential: ") {
				t.Errorf("error %q is not an invalid-credential error", err)
			}
		})
	}
}

// TestCredentialSelfSigned shows what verification does not prove: a credential signed with
// some other key, naming that key as its issuer, verifies, and only IssuerDID tells it apart.
func TestCredentialSelfSigned(t *testing.T) {
	_, real := signed(t)
	fake := NewIssuer("Hội Khuyến học phường Ba Đình", "https://hoctap.hanoi.gov.vn", testKey(9))
	doc, err := Credential(sample()[0], fake, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	c, err := VerifyCredential(doc)
	if err != nil {
		t.Fatal(err)
	}
	if c.IssuerDID == real.ID {
		t.Error("a look-alike credential carries the real issuer's DID")
	}
}

func TestCredentialInvalidIssuer(t *testing.T) {
	iss := NewIssuer("Hội Khuyến học", "https://x", testKey(7))
	iss.ID = KeyDID(testKey(8).Public().(ed25519.PublicKey))
	if _, err := Credential(sample()[0], iss, issuedAt); err == nil {
		t.Error("signed with a key that is not the issuer's DID")
	}
	if _, err := Credential(sample()[0], NewIssuer("Hội Khuyến học", "https://x", nil), issuedAt); err == nil {
		t.Error("signed without a key")
	}
	if _, err := Credential(sample()[0], NewIssuer("Hội Khuyến học", "https://x", testKey(7)), time.Time{}); err == nil {
		t.Error("signed without an issue time")
	}
}

// The W3C test vector of eddsa-jcs-2022 (w3c/vc-di-eddsa, TestVectors/keyPair.json and
// TestVectors/eddsa-jcs-2022/signedJCS.json): the same key and signature, so that what this
// package signs verifies elsewhere and the other way round.
const (
	w3cPublicKey  = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	w3cPrivateKey = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq" // multicodec 0x8026 + seed
	w3cSigned     = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
  "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
  "type": ["VerifiableCredential", "AlumniCredential"],
  "name": "Alumni Credential",
  "description": "A minimum viable example of an Alumni Credential.",
  "issuer": "https://vc.example/issuers/5678",
  "validFrom": "2023-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
  "proof": {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "created": "2023-02-24T23:36:38Z",
    "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "proofPurpose": "assertionMethod",
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "proofValue": "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
  }
}`
)

func TestW3CVector(t *testing.T) {
	seed, err := base58Decode(strings.TrimPrefix(w3cPrivateKey, "z"))
	if err != nil || len(seed) != 2+ed25519.SeedSize || seed[0] != 0x80 || seed[1] != 0x26 {
		t.Fatalf("private key: %x, %v", seed, err)
	}
	key := ed25519.NewKeyFromSeed(seed[2:])
	pub := key.Public().(ed25519.PublicKey)
	if got := KeyDID(pub); got != "did:key:"+w3cPublicKey {
		t.Fatalf("KeyDID = %s, want did:key:%s", got, w3cPublicKey)
	}
	back, err := keyFromDID("did:key:" + w3cPublicKey)
	if err != nil || !back.Equal(pub) {
		t.Fatalf("keyFromDID: %x, %v", back, err)
	}

	v, err := parseJSON([]byte(w3cSigned))
	if err != nil {
		t.Fatal(err)
	}
	secured := v.(map[string]any)
	if err := verifyProof(secured, pub); err != nil {
		t.Fatalf("the W3C vector does not verify: %v", err)
	}

	// Signing the same document with the same key gives the same proof (Ed25519 is
	// deterministic).
	proof := secured["proof"].(map[string]any)
	options := map[string]any{}
	for _, k := range []string{"type", "cryptosuite", "created", "verificationMethod", "proofPurpose"} {
		options[k] = proof[k]
	}
	unsecured := map[string]any{}
	for k, v := range secured {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	mine, err := createProof(unsecured, options, key)
	if err != nil {
		t.Fatal(err)
	}
	if mine["proofValue"] != proof["proofValue"] {
		t.Errorf("proofValue = %v, want %v", mine["proofValue"], proof["proofValue"])
	}

	secured["name"] = "Alumni credential"
	if err := verifyProof(secured, pub); err == nil {
		t.Error("a changed W3C vector verifies")
	}
}
