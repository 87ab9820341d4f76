package registry

import (
	"context"
	"io"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// ExportFormat is the file type of an export.
type ExportFormat string

// The export formats.
const (
	FormatXLSX ExportFormat = "xlsx"
	FormatCSV  ExportFormat = "csv"
)

// ExportRequest says what to export and how; T translates column titles and values.
type ExportRequest struct {
	Query   store.CitizenQuery
	Format  ExportFormat
	Unmask  bool // full personal IDs: only for roles that may, and audited
	T       func(key string, args ...any) string
	Commune string // for the command line: the commune to export (by is nil)
}

// ExportCitizens streams the people the principal may see, matching the request, as .xlsx or
// .csv. IDs are masked unless the request unmasks them and the role may; every export is in
// the audit log, with its filter and size.
func (s *Service) ExportCitizens(ctx context.Context, by *auth.Principal, req ExportRequest, w io.Writer) (int, error) {
	q := req.Query
	place := auth.Place{}
	switch {
	case by != nil:
		q.Scope = by.Scope(auth.PermViewCitizens)
		if req.Unmask && !by.Can(auth.PermUnmaskIDs) {
			return 0, fault.ErrForbidden
		}
		if g := firstGrant(by, auth.PermViewCitizens); g != nil {
			place = g.Place()
		}
	default:
		unit, err := s.checkCommune(req.Commune)
		if err != nil {
			return 0, err
		}
		q.Scope = auth.Scope{Communes: []string{unit.Code}}
		place = auth.Place{ProvinceCode: unit.ProvinceCode, CommuneCode: unit.Code}
	}
	if q.AgeOnYear == 0 {
		q.AgeOnYear = s.DB.Now().Year()
	}
	villages, err := s.DB.ListVillages(ctx, store.VillageFilter{Scope: q.Scope, WithRetired: true})
	if err != nil {
		return 0, err
	}
	vname := map[int64]string{}
	for _, v := range villages {
		vname[v.ID] = v.Name
	}
	hcode := map[int64]string{}
	T := req.T
	cols := []sheet.Column{
		{Title: T("citizen.name"), Width: 28}, {Title: T("citizen.national_id"), Width: 16}, {Title: T("citizen.birth_date"), Width: 12, Kind: sheet.ColumnDate},
		{Title: T("citizen.gender"), Width: 8}, {Title: T("household.code"), Width: 12}, {Title: T("citizen.relation"), Width: 14},
		{Title: T("citizen.village"), Width: 22}, {Title: T("citizen.commune"), Width: 20}, {Title: T("citizen.phone"), Width: 14},
		{Title: T("citizen.target_group"), Width: 24},
	}
	n := 0
	var iterErr error
	rows := func(yield func([]any) bool) {
		iterErr = s.DB.EachCitizen(ctx, q, func(c people.Citizen) error {
			id := people.MaskNationalID(c.NationalID)
			if req.Unmask {
				id = c.NationalID
			}
			var birth any = ""
			if d, err := time.Parse("2006-01-02", c.BirthDate); err == nil {
				birth = d
			} else if c.BirthYear != 0 {
				birth = sheet.Date{Year: c.BirthYear}
			}
			code, ok := hcode[c.HouseholdID]
			if !ok && c.HouseholdID != 0 {
				if h, err := s.DB.Household(ctx, c.HouseholdID); err == nil {
					code = h.Code
				}
				hcode[c.HouseholdID] = code
			}
			n++
			if !yield([]any{c.FullName, id, birth, T("gender." + string(c.Gender)), code, T("relation." + string(c.Relation)),
				vname[c.VillageID], s.communeName(c.CommuneCode), c.Phone, T("group." + string(c.TargetGroup))}) {
				return errStopped
			}
			return nil
		})
	}
	switch req.Format {
	case FormatCSV:
		err = sheet.WriteCSV(w, cols, rows)
	default:
		err = sheet.WriteXLSX(w, T("export.sheet"), cols, rows)
	}
	if iterErr != nil && iterErr != errStopped {
		return n, iterErr
	}
	if err != nil {
		return n, err
	}
	action := "export.citizens"
	if req.Unmask {
		action = "export.citizens_unmasked"
	}
	return n, s.DB.Write(ctx, func(tx *store.Tx) error {
		return tx.RecordExport(ctx, place, action, map[string]any{"rows": n, "format": req.Format, "filter": q.Text, "village": q.VillageID, "group": q.TargetGroup})
	})
}

type stopErr struct{}

func (stopErr) Error() string { return "stopped" }

var errStopped error = stopErr{}

// firstGrant returns the principal's first grant holding p, to place an export in the log.
func firstGrant(p *auth.Principal, perm auth.Permission) *auth.Grant {
	for i, g := range p.Grants {
		if auth.RoleHas(g.Role, perm) {
			return &p.Grants[i]
		}
	}
	return nil
}
