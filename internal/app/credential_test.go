package app

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hoctap/internal/certificate"
)

// TestCredentialCommand verifies a signed credential from a file, then the same file with
// one letter of the name changed, then with a required issuer it was not signed by.
func TestCredentialCommand(t *testing.T) {
	ict := time.FixedZone("ICT", 7*60*60)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	iss := certificate.NewIssuer("Hội Khuyến học phường Ba Đình", "https://hoctap.example.vn", key)
	c := certificate.Certificate{
		Code: "7KQ2-M9XH-4TZP-WB3D", VerifyURL: "https://hoctap.example.vn/verify/7KQ2-M9XH-4TZP-WB3D",
		FullName: "Trần Văn Đức", BirthYear: 1990, CommuneName: "Phường Ba Đình", ProvinceName: "Thành phố Hà Nội",
		Year: 2026, TitleVI: "Công dân học tập", TitleEN: "Learning Citizen",
		DecisionNumber: "15/QĐ-HKH", DecisionDate: time.Date(2026, 12, 5, 0, 0, 0, 0, ict),
		Signer: "Lê Văn Thắng", SignerTitle: "Chủ tịch Hội Khuyến học phường", IssuingBody: "Hội Khuyến học phường Ba Đình",
	}
	// 23:30 in Hà Nội is still the 8th there, but the 8th at 16:30 UTC: the date shown is Hà Nội's.
	doc, err := certificate.Credential(c, iss, time.Date(2026, 12, 8, 23, 30, 0, 0, ict))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(good, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, bytes.Replace(doc, []byte("Đức"), []byte("Đực"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	other := certificate.KeyDID(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, ed25519.SeedSize)).Public().(ed25519.PublicKey))

	tests := []struct {
		name    string
		args    []string
		want    string // stdout
		wantErr string // prefix of the error
	}{
		{"valid", []string{"verify", good},
			"valid: Công dân học tập 2026, Trần Văn Đức, issued by Hội Khuyến học phường Ba Đình (" + iss.ID + ") on 08/12/2026, decision 15/QĐ-HKH\n", ""},
		{"valid, pinned issuer", []string{"verify", "--issuer", iss.ID, good}, "valid: ", ""},
		{"changed name", []string{"verify", bad}, "", "invalid credential: "},
		{"other issuer", []string{"verify", "--issuer", other, good}, "", "invalid credential: "},
		{"missing file", []string{"verify", filepath.Join(dir, "none.json")}, "", "credential: "},
		{"no file", []string{"verify"}, "", "give one file"},
		{"no subcommand", nil, "", "usage: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := cmdCredential(context.Background(), tt.args, &out)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q…", err, tt.wantErr)
				}
				if out.Len() != 0 {
					t.Errorf("printed %q on failure", out.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out.String(), tt.want) {
				t.Errorf("printed %q, want %q", out.String(), tt.want)
			}
		})
	}
}
