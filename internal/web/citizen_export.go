package web

import (
	"bytes"
	"net/http"

	"hoctap/internal/registry"
)

// citizenExport downloads the list as it is filtered, as .xlsx or .csv.
func (s *Server) citizenExport(w http.ResponseWriter, r *http.Request) {
	q, _ := citizenQuery(r)
	format := registry.FormatXLSX
	if r.URL.Query().Get("format") == "csv" {
		format = registry.FormatCSV
	}
	b := s.base(r, "citizens.title")
	var buf bytes.Buffer
	_, err := s.registry.ExportCitizens(r.Context(), principal(r), registry.ExportRequest{Query: q, Format: format, Unmask: r.URL.Query().Get("unmask") == "1", T: b.T}, &buf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := "danh-sach-nguoi-dan-" + s.db.Now().Format("20060102")
	if format == registry.FormatCSV {
		download(w, "text/csv; charset=utf-8", name+".csv", buf.Bytes())
		return
	}
	download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx", buf.Bytes())
}
