package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"hoctap/internal/certificate"
)

// cmdCredential checks a signed certificate credential offline, with no database and no
// network: hoctap credential verify [--issuer DID] FILE. A credential that does not verify is
// an error "invalid credential: …" (exit status 1).
func cmdCredential(ctx context.Context, args []string, stdout io.Writer) error {
	const use = "usage: hoctap credential verify [--issuer DID] FILE"
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("%s", use)
	}
	fs := flag.NewFlagSet("credential verify", flag.ContinueOnError)
	// Any key can sign a look-alike credential that names itself as issuer; --issuer pins the
	// DID the deployment actually signs with.
	issuer := fs.String("issuer", "", "require this issuer DID (did:key:z6Mk…)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give one file: %s", use)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("credential: %w", err)
	}
	c, err := certificate.VerifyCredential(data)
	if err != nil {
		return err
	}
	if *issuer != "" && c.IssuerDID != *issuer {
		return fmt.Errorf("%w: signed by %s, not by %s", certificate.ErrInvalid, c.IssuerDID, *issuer)
	}
	// Việt Nam is UTC+7 all year, so the date is the one the issuer saw.
	issued := c.IssuedAt.In(time.FixedZone("ICT", 7*60*60)).Format("02/01/2006")
	_, err = fmt.Fprintf(stdout, "valid: %s %d, %s, issued by %s (%s) on %s, decision %s\n",
		c.TitleVI, c.Year, c.FullName, c.IssuerName, c.IssuerDID, issued, c.DecisionNumber)
	return err
}
