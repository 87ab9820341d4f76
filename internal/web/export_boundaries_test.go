package web

// CommuneMapLayer lets the external tests see which layer the dashboards would draw.
var CommuneMapLayer = (*Server).communeMapLayer
