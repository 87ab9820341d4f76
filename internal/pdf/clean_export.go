package pdf

// Clean prepares text for a PDF drawn by another package with the fonts of NotoSans: NFC
// normalisation (so that Vietnamese marks print as precomposed letters), tabs and line ends
// made plain, other control characters removed, and characters outside the Basic Multilingual
// Plane replaced by U+FFFD.
func Clean(s string) string { return clean(s) }
