package pdf

import "slices"

// NotoSans returns copies of the embedded Noto Sans Regular and Bold TrueType fonts (SIL Open
// Font License, fonts/LICENSE.txt), for the other packages that draw PDFs with Vietnamese text,
// such as the printed certificates. They are copies so that no caller can change the fonts
// this package draws with.
func NotoSans() (regular, bold []byte) {
	return slices.Clone(fontRegular), slices.Clone(fontBold)
}
