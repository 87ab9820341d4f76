package web_test

// boundaryAccessCases covers boundaryRoutes: only the administrator and city officers manage
// the map's boundaries, which belong to the whole province. The upload carries a file that is
// not GeoJSON (refused after the access check, nothing stored); the retirement names an
// upload that does not exist.
func boundaryAccessCases(f *fixture) []accessCase {
	const ok, see, forbidden, unauth, invalid, notFound = 200, 303, 403, 401, 422, 404
	return []accessCase{
		{pattern: "GET /map/boundaries", path: path("/map/boundaries"),
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok}, deflt: forbidden},
		{pattern: "POST /map/boundaries", path: path("/map/boundaries"), upload: func(*fixture) (string, []byte) {
			return multipartBody(nil, "ranh-gioi.geojson", []byte(`{"type":"Polygon","coordinates":[]}`))
		}, want: map[string]int{"anonymous": unauth, "admin": invalid, "city_officer": invalid}, deflt: forbidden},
		{pattern: "POST /map/boundaries/{id}/retire", path: path("/map/boundaries/999999/retire"),
			want: map[string]int{"anonymous": unauth, "admin": notFound, "city_officer": notFound}, deflt: forbidden},
	}
}
