//go:build !unix

package app

// peakRSS is not measured where getrusage is missing.
func peakRSS() int64 { return 0 }
