// Package registry is the service that keeps the lists of the programme: villages now, and the
// people and organisations that live in them. Pages and the command line call the same methods,
// which check access against the caller's grants before they touch the store.
package registry

import (
	"context"
	"strings"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// Service keeps the registry.
type Service struct {
	DB    *store.DB
	Units *adminunit.Map
}

// checkCommune returns an error unless code is a current commune of the map's province.
func (s *Service) checkCommune(code string) (adminunit.Unit, error) {
	u, err := s.Units.Current(code)
	if err != nil || u.Level != adminunit.LevelCommune {
		return u, fault.Field("commune", "village.commune.unknown", code)
	}
	return u, nil
}

// CreateVillage creates a village in a commune the principal manages.
func (s *Service) CreateVillage(ctx context.Context, by *auth.Principal, v village.Village) (village.Village, error) {
	unit, err := s.checkCommune(v.CommuneCode)
	if err != nil {
		return v, err
	}
	v.ProvinceCode = unit.ProvinceCode
	// Scope first, so that nobody learns anything from the validation of a commune not theirs.
	if by != nil && !by.CanAt(auth.PermManageVillages, auth.Place{ProvinceCode: v.ProvinceCode, CommuneCode: v.CommuneCode}) {
		return v, fault.ErrForbidden
	}
	if err := v.Validate(); err != nil {
		return v, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateVillage(ctx, &v) })
	return v, err
}

// managedVillage loads a village and checks that the principal may manage it.
func (s *Service) managedVillage(ctx context.Context, by *auth.Principal, id int64) (village.Village, error) {
	v, err := s.DB.Village(ctx, id)
	if err != nil {
		return v, err
	}
	if by != nil && !by.CanAt(auth.PermManageVillages, store.VillagePlace(v)) {
		return v, fault.ErrForbidden
	}
	return v, nil
}

// UpdateVillage renames a village or changes its kind.
func (s *Service) UpdateVillage(ctx context.Context, by *auth.Principal, id int64, name string, kind village.Kind) (village.Village, error) {
	if _, err := s.managedVillage(ctx, by, id); err != nil {
		return village.Village{}, err
	}
	var out village.Village
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.UpdateVillage(ctx, id, name, kind)
		return err
	})
	return out, err
}

// RetireVillage takes a village out of use from a date.
func (s *Service) RetireVillage(ctx context.Context, by *auth.Principal, id int64, day string) (village.Village, error) {
	if _, err := s.managedVillage(ctx, by, id); err != nil {
		return village.Village{}, err
	}
	day, err := village.ValidateRetireDate(day)
	if err != nil {
		return village.Village{}, err
	}
	var out village.Village
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.RetireVillage(ctx, id, day)
		return err
	})
	return out, err
}

// DeleteVillage removes a village created by mistake; one in use must be retired.
func (s *Service) DeleteVillage(ctx context.Context, by *auth.Principal, id int64) error {
	if _, err := s.managedVillage(ctx, by, id); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.DeleteVillage(ctx, id) })
}

// ImportRow is one row of a village list as the preview shows it.
type ImportRow struct {
	Number int
	Name   string
	Kind   village.Kind
	Status string        // "new", "exists" or "error"
	Errors []fault.Error // what is wrong, with the column
}

// ImportPreview is what a village list would do, before anything is written.
type ImportPreview struct {
	FileName  string
	Commune   adminunit.Unit
	Rows      []ImportRow
	New       int
	Existing  int
	Invalid   int
	PendingID int64
}

// headerNames are the column titles officials use, folded (no accents, lower case).
var (
	nameHeaders = []string{"ten thon/to dan pho", "ten thon, to dan pho", "ten thon/tdp", "thon/to dan pho", "thon/tdp", "ten thon", "ten to dan pho", "ten", "name"}
	kindHeaders = []string{"loai", "loai thon/to dan pho", "phan loai", "kind"}
)

func matchVillageHeader(cells []string) (map[string]int, bool) {
	cols := map[string]int{}
	for i, c := range cells {
		f := people.FoldName(c)
		for _, h := range nameHeaders {
			if _, seen := cols["name"]; !seen && f == h {
				cols["name"] = i
			}
		}
		for _, h := range kindHeaders {
			if _, seen := cols["kind"]; !seen && f == h {
				cols["kind"] = i
			}
		}
	}
	_, ok := cols["name"]
	return cols, ok
}

// kindFromText reads a kind written as officials write it ("Thôn", "TDP", "Tổ dân phố").
func kindFromText(s string) (village.Kind, bool) {
	switch f := people.FoldName(s); f {
	case "thon":
		return village.KindThon, true
	case "to dan pho", "tdp", "to":
		return village.KindToDanPho, true
	case "ban":
		return village.KindBan, true
	case "ap":
		return village.KindAp, true
	case "khu pho":
		return village.KindKhuPho, true
	}
	return "", false
}

// PreviewVillageImport reads a village list for one commune and says what each row would do.
// Nothing is written but the file itself, kept for the confirmation.
func (s *Service) PreviewVillageImport(ctx context.Context, by *auth.Principal, communeCode, fileName string, data []byte, defaultKind village.Kind) (ImportPreview, error) {
	p := ImportPreview{FileName: fileName}
	unit, err := s.checkCommune(communeCode)
	if err != nil {
		return p, err
	}
	p.Commune = unit
	if by != nil && !by.CanAt(auth.PermManageVillages, auth.Place{ProvinceCode: unit.ProvinceCode, CommuneCode: unit.Code}) {
		return p, fault.ErrForbidden
	}
	if err := s.previewRows(ctx, &p, data, defaultKind); err != nil {
		return p, err
	}
	if by != nil {
		pending := store.PendingImport{UserID: by.UserID, Kind: "villages", Options: string(defaultKind), ProvinceCode: unit.ProvinceCode, CommuneCode: unit.Code, FileName: fileName, Payload: data}
		if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePendingImport(ctx, &pending, 2*time.Hour) }); err != nil {
			return p, err
		}
		p.PendingID = pending.ID
	}
	return p, nil
}

func (s *Service) previewRows(ctx context.Context, p *ImportPreview, data []byte, defaultKind village.Kind) error {
	rows, err := sheet.Read(p.FileName, data, sheet.DefaultLimits)
	if err != nil {
		return err
	}
	h, cols, err := sheet.FindHeader(rows, matchVillageHeader)
	if err != nil {
		return fault.New(fault.Invalid, "import.villages.no_header", p.FileName)
	}
	existing, err := s.DB.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{Communes: []string{p.Commune.Code}}, CommuneCode: p.Commune.Code, WithRetired: true})
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, v := range existing {
		known[people.FoldName(v.Name)] = true
	}
	seen := map[string]int{}
	kindCol, hasKind := cols["kind"]
	for _, r := range rows[h+1:] {
		if r.Empty() {
			continue
		}
		ir := ImportRow{Number: r.Number, Name: strings.Join(strings.Fields(r.Cell(cols["name"])), " "), Kind: defaultKind}
		if hasKind && r.Cell(kindCol) != "" {
			k, ok := kindFromText(r.Cell(kindCol))
			if ok {
				ir.Kind = k
			} else {
				ir.Errors = append(ir.Errors, fault.Error{Field: "kind", Key: "import.villages.bad_kind", Args: []any{r.Cell(kindCol)}})
			}
		}
		v := village.Village{Name: ir.Name, Kind: ir.Kind, CommuneCode: p.Commune.Code}
		if err := v.Validate(); err != nil {
			for _, fe := range fault.FieldErrors(err) {
				ir.Errors = append(ir.Errors, *fe)
			}
		}
		folded := people.FoldName(ir.Name)
		if first, dup := seen[folded]; dup && folded != "" {
			ir.Errors = append(ir.Errors, fault.Error{Field: "name", Key: "import.villages.duplicate_row", Args: []any{first}})
		} else {
			seen[folded] = r.Number
		}
		switch {
		case len(ir.Errors) > 0:
			ir.Status = "error"
			p.Invalid++
		case known[folded]:
			ir.Status = "exists"
			p.Existing++
		default:
			ir.Status = "new"
			p.New++
		}
		p.Rows = append(p.Rows, ir)
	}
	if len(p.Rows) == 0 {
		return fault.New(fault.Invalid, "import.no_rows", p.FileName)
	}
	return nil
}

// ConfirmVillageImport writes every new valid row of a previewed file in one transaction, or
// nothing. Rows already present are left as they are, so importing a file twice changes nothing.
func (s *Service) ConfirmVillageImport(ctx context.Context, by *auth.Principal, pendingID int64) (ImportPreview, error) {
	var p ImportPreview
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		pending, unit, err := s.takePending(ctx, tx, by, pendingID, "villages", auth.PermManageVillages)
		if err != nil {
			return err
		}
		p = ImportPreview{FileName: pending.FileName, Commune: unit}
		kind := village.Kind(pending.Options)
		if err := s.previewRows(ctx, &p, pending.Payload, kind); err != nil {
			return err
		}
		return createNewRows(ctx, tx, p)
	})
	return p, err
}

// createNewRows writes the rows of a preview marked new.
func createNewRows(ctx context.Context, tx *store.Tx, p ImportPreview) error {
	for _, r := range p.Rows {
		if r.Status != "new" {
			continue
		}
		v := village.Village{ProvinceCode: p.Commune.ProvinceCode, CommuneCode: p.Commune.Code, Name: r.Name, Kind: r.Kind}
		if err := tx.CreateVillage(ctx, &v); err != nil {
			return err
		}
	}
	return nil
}

// ImportVillages writes the new rows of a preview made without a pending upload (the command
// line), in one transaction.
func (s *Service) ImportVillages(ctx context.Context, p ImportPreview) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error { return createNewRows(ctx, tx, p) })
}

// takePending takes a user's pending import of a kind and checks that the user may still
// import into its commune.
func (s *Service) takePending(ctx context.Context, tx *store.Tx, by *auth.Principal, id int64, kind string, perm auth.Permission) (store.PendingImport, adminunit.Unit, error) {
	pending, err := tx.TakePendingImport(ctx, id, by.UserID, kind)
	if err != nil {
		return pending, adminunit.Unit{}, err
	}
	unit, err := s.checkCommune(pending.CommuneCode)
	if err != nil {
		return pending, unit, err
	}
	if !by.CanAt(perm, auth.Place{ProvinceCode: unit.ProvinceCode, CommuneCode: unit.Code}) {
		return pending, unit, fault.ErrForbidden
	}
	return pending, unit, nil
}
