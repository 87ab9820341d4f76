package report

import (
	"io"
	"testing"
)

// The annual report of Hà Nội: 126 communes, 12 indicators.

func BenchmarkWritePDF(b *testing.B) {
	a := cityReport(126, 12)
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePDF(io.Discard, a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteXLSX(b *testing.B) {
	a := cityReport(126, 12)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, a); err != nil {
			b.Fatal(err)
		}
	}
}
