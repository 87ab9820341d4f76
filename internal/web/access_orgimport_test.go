package web_test

import (
	"fmt"
)

// orgImportAccessCases covers every route of orgImportRoutes. The uploads are valid files whose
// rows name nobody registered, and the confirmations and reports name no pending file, so that
// nothing changes: those who manage the organisation get the preview (or 404), the commune
// officer of the neighbouring ward 403 on Ba Đình's organisations, like every other role.
func orgImportAccessCases(f *fixture) []accessCase {
	const ok, see, forbidden, unauth, notFound = 200, 303, 403, 401, 404
	ids, _, _ := lookupOrgs(f) // unseeded, the paths name id 0 and every case fails loudly
	at := func(format string, id int64) func(*fixture) string {
		return func(*fixture) string { return fmt.Sprintf(format, id) }
	}
	upload := func(name, content string) func(*fixture) (string, []byte) {
		return func(*fixture) (string, []byte) { return multipartBody(nil, name, []byte(content)) }
	}
	// The work unit's staff and its branch's members: the commune's officers and the unit's own.
	withUnit := func(status, anonymous int) map[string]int {
		return map[string]int{"anonymous": anonymous, "admin": status, "commune_officer": status, "unit_officer": status}
	}
	// A clan: the commune's officers only.
	communeOnly := func(status, anonymous int) map[string]int {
		return map[string]int{"anonymous": anonymous, "admin": status, "commune_officer": status}
	}
	people := "DANH SÁCH\nHọ và tên,Số CCCD,Chức vụ\nNguyễn Văn Thử,001099000000,Giáo viên\n"
	households := "DANH SÁCH\nSố hộ,Chủ hộ\nKHONG-CO,Nguyễn Văn Thử\n"
	hidden := func(names ...string) map[string][]string {
		return map[string][]string{"commune_officer_nh": names, "city_officer": names, "collector": names}
	}
	return []accessCase{
		{pattern: "GET /work-units/{id}/import", path: at("/work-units/%d/import", ids.school), want: withUnit(ok, see), deflt: forbidden, absent: hidden(seedSchool)},
		{pattern: "POST /work-units/{id}/import", path: at("/work-units/%d/import", ids.school), upload: upload("can-bo.csv", people),
			want: withUnit(ok, unauth), deflt: forbidden, absent: hidden(seedSchool)},
		{pattern: "POST /work-units/{id}/import/{pid}/confirm", path: at("/work-units/%d/import/999999/confirm", ids.school),
			want: withUnit(notFound, unauth), deflt: forbidden},
		{pattern: "GET /work-units/{id}/import/{pid}/report.xlsx", path: at("/work-units/%d/import/999999/report.xlsx", ids.school),
			want: withUnit(notFound, see), deflt: forbidden},

		{pattern: "GET /branches/{id}/import", path: at("/branches/%d/import", ids.branch), want: withUnit(ok, see), deflt: forbidden, absent: hidden(seedBranch)},
		{pattern: "POST /branches/{id}/import", path: at("/branches/%d/import", ids.branch), upload: upload("hoi-vien.csv", people),
			want: withUnit(ok, unauth), deflt: forbidden, absent: hidden(seedBranch)},
		{pattern: "POST /branches/{id}/import/{pid}/confirm", path: at("/branches/%d/import/999999/confirm", ids.branch),
			want: withUnit(notFound, unauth), deflt: forbidden},
		{pattern: "GET /branches/{id}/import/{pid}/report.xlsx", path: at("/branches/%d/import/999999/report.xlsx", ids.branch),
			want: withUnit(notFound, see), deflt: forbidden},

		{pattern: "GET /clans/{id}/import", path: at("/clans/%d/import", ids.clan), want: communeOnly(ok, see), deflt: forbidden, absent: hidden(seedClan)},
		{pattern: "POST /clans/{id}/import", path: at("/clans/%d/import", ids.clan), upload: upload("ho.csv", households),
			want: communeOnly(ok, unauth), deflt: forbidden, absent: hidden(seedClan)},
		{pattern: "POST /clans/{id}/import/{pid}/confirm", path: at("/clans/%d/import/999999/confirm", ids.clan),
			want: communeOnly(notFound, unauth), deflt: forbidden},
		{pattern: "GET /clans/{id}/import/{pid}/report.xlsx", path: at("/clans/%d/import/999999/report.xlsx", ids.clan),
			want: communeOnly(notFound, see), deflt: forbidden},
	}
}
