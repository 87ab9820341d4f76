package web_test

import (
	"fmt"
	"net/url"
)

// progressAccessCases covers every route of progressRoutes: the city's dashboards for city
// officers, a commune's for its officers (not the neighbouring commune's), a village's for its
// collector too; nobody else.
func progressAccessCases(f *fixture) []accessCase {
	const ok, see, forbidden, notFound = 200, 303, 403, 404
	city := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok}
	commune := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok}
	village := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok}
	// Commune officers and collectors are sent from the city's dashboard to their own place's.
	landing := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": see, "commune_officer_nh": see, "collector": see}
	const c = "/dashboard/communes/00004"
	own := func(f *fixture) string { return fmt.Sprintf("%s/villages/%d?year=2025", c, f.ownVillage) }
	// A village of the neighbouring commune asked for under this one: not found for those who
	// may see this commune, forbidden to the collector.
	misplaced := func(f *fixture) string { return fmt.Sprintf("%s/villages/%d", c, f.foreignVillage) }
	return []accessCase{
		{pattern: "GET /dashboard", path: path("/dashboard"), want: landing, deflt: forbidden},
		{pattern: "GET /dashboard", path: path("/dashboard?year=2024"), want: landing, deflt: forbidden},
		{pattern: "GET /dashboard/ranking.xlsx", path: path("/dashboard/ranking.xlsx?year=2025"), want: city, deflt: forbidden},
		{pattern: "GET /dashboard/report.xlsx", path: path("/dashboard/report.xlsx"), want: city, deflt: forbidden},
		{pattern: "GET /dashboard/report.pdf", path: path("/dashboard/report.pdf?year=2025"), want: city, deflt: forbidden},
		{pattern: "GET /about/progress", path: path("/about/progress"), want: everyone(ok, ok)},
		{pattern: "GET /about/progress/{code}", path: path("/about/progress/00004"), want: everyone(ok, ok)},
		{pattern: "GET /about/progress/{code}", path: path("/about/progress/9"), want: everyone(notFound, notFound)},
		{pattern: "GET /dashboard/untrained", path: path("/dashboard/untrained"), want: city, deflt: forbidden},
		{pattern: "GET /dashboard/communes/{code}", path: path(c + "?year=2025"), want: commune, deflt: forbidden},
		{pattern: "GET /dashboard/communes/{code}", path: path("/dashboard/communes/99999"), want: map[string]int{"anonymous": see, "admin": notFound, "city_officer": notFound}, deflt: forbidden},
		{pattern: "GET /dashboard/communes/{code}/ranking.xlsx", path: path(c + "/ranking.xlsx"), want: commune, deflt: forbidden},
		{pattern: "GET /dashboard/communes/{code}/report.xlsx", path: path(c + "/report.xlsx?year=2025"), want: commune, deflt: forbidden},
		{pattern: "GET /dashboard/communes/{code}/report.pdf", path: path(c + "/report.pdf"), want: commune, deflt: forbidden},
		{pattern: "GET /dashboard/communes/{code}/untrained", path: path(c + "/untrained?format=xlsx"), want: commune, deflt: forbidden},
		{pattern: "GET /dashboard/communes/{code}/villages/{id}", path: own, want: village, deflt: forbidden},
		{pattern: "GET /dashboard/communes/{code}/villages/{id}", path: misplaced,
			want: map[string]int{"anonymous": see, "admin": notFound, "city_officer": notFound, "commune_officer": notFound}, deflt: forbidden},
	}
}

// targetsAccessCases covers every route of targetsRoutes: plans, targets, measures, settings
// and past figures are the city's, kept by city officers. Every POST carries input the
// service refuses after its access check, so no case changes what the others see.
func targetsAccessCases() []accessCase {
	const ok, see, forbidden, unauth, invalid, notFound = 200, 303, 403, 401, 422, 404
	city := func(s int) map[string]int { return map[string]int{"anonymous": unauth, "admin": s, "city_officer": s} }
	return []accessCase{
		{pattern: "GET /targets", path: path("/targets"), want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok}, deflt: forbidden},
		{pattern: "POST /targets/plans", path: path("/targets/plans"), form: url.Values{"code": {"X"}, "name": {""}}, want: city(invalid), deflt: forbidden},
		{pattern: "POST /targets/plans/{code}/targets", path: path("/targets/plans/KH290/targets"),
			form: url.Values{"measure": {"cdht_adults"}, "year": {"2025"}, "value": {"120"}}, want: city(invalid), deflt: forbidden},
		{pattern: "POST /targets/plans/{code}/targets/delete", path: path("/targets/plans/KH290/targets/delete"),
			form: url.Values{"measure": {"cdht_adults"}, "year": {"2099"}}, want: city(notFound), deflt: forbidden},
		{pattern: "POST /targets/measures", path: path("/targets/measures"), form: url.Values{"code": {"x"}}, want: city(invalid), deflt: forbidden},
		{pattern: "POST /targets/settings", path: path("/targets/settings"), form: url.Values{"adult_age": {"99"}, "first_year": {"2023"}}, want: city(invalid), deflt: forbidden},
		{pattern: "POST /targets/past-figures", path: path("/targets/past-figures"), form: url.Values{}, want: city(invalid), deflt: forbidden},
		{pattern: "POST /targets/past-figures/{id}/confirm", path: path("/targets/past-figures/999999/confirm"), want: city(notFound), deflt: forbidden},
	}
}
