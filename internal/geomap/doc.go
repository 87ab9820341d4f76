// Package geomap draws offline, printable maps of a city's administrative units as SVG:
// choropleths of a measure, with a five-class colour scale, a legend, a tooltip per unit,
// a link per unit and the units most behind outlined.
//
// A [Layer] is a set of shapes, each the polygons of one unit. Three layers exist:
//
//   - [Districts]: the 30 district polygons of Hà Nội before the 2025 reform (embedded data,
//     data/README.md), for the years before 2025-07-01.
//   - [CommuneTiles]: a tile map of today's communes. No open boundaries exist for them, so
//     each commune is a square tile placed where its predecessors lay: at the centroid of its
//     former districts weighted by the predecessors' backward shares (package adminunit), then
//     moved to the nearest free cell of a square grid, drawn over the faint district outlines.
//   - [ParseBoundaries]: true boundaries from a GeoJSON file an officer uploads, matched to
//     the units by code or by name without accents, with a report of what did not match.
//
// Coordinates are WGS84 longitude and latitude. The drawing uses an equirectangular projection
// scaled by the cosine of the layer's middle latitude, which at the size of one province is
// indistinguishable from a conformal projection and needs no library.
//
// Nothing here touches a database or the network. The SVG it writes holds no script, no
// style element or attribute (the pages' Content-Security-Policy forbids inline styles; colours
// are presentation attributes) and escapes every text, so it can be inlined in a page.
package geomap
