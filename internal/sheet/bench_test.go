package sheet

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The goals for reading (import rows/s on 2 cores).
const (
	goalCSVRowsPerSec  = 50_000
	goalXLSXRowsPerSec = 20_000
	benchRows          = 100_000
)

var benchHeader = []any{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại", "Thôn/Tổ dân phố", "Quan hệ với chủ hộ", "Nghề nghiệp", "Ghi chú"}

// benchRecord is one roster row of 10 typical columns.
func benchRecord(i int) []any {
	genders := []string{"Nam", "Nữ"}
	return []any{
		i + 1,
		fmt.Sprintf("Nguyễn Văn Đức %d", i),
		time.Date(1950+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC),
		genders[i%2],
		fmt.Sprintf("%012d", 1090000000+i),
		fmt.Sprintf("09%08d", i),
		fmt.Sprintf("Thôn Đông %d", i%20),
		"Chủ hộ",
		"Nông dân",
		"",
	}
}

func benchCSV(b *testing.B) []byte {
	var buf bytes.Buffer
	buf.WriteString("\xEF\xBB\xBF")
	w := func(vals []any) {
		for i, v := range vals {
			if i > 0 {
				buf.WriteByte(',')
			}
			if t, ok := v.(time.Time); ok {
				v = t.Format(DateLayout)
			}
			fmt.Fprint(&buf, v)
		}
		buf.WriteString("\r\n")
	}
	w(benchHeader)
	for i := range benchRows {
		w(benchRecord(i))
	}
	return buf.Bytes()
}

func benchXLSX(b *testing.B) []byte {
	return xlsxBytes(b, func(f *excelize.File) {
		sw, err := f.NewStreamWriter("Sheet1")
		must(b, err)
		date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(b, err)
		must(b, sw.SetRow("A1", benchHeader))
		for i := range benchRows {
			rec := benchRecord(i)
			rec[2] = excelize.Cell{StyleID: date, Value: rec[2]}
			must(b, sw.SetRow("A"+strconv.Itoa(i+2), rec))
		}
		must(b, sw.Flush())
	})
}

func benchRead(b *testing.B, name string, data []byte, goal float64) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		r, err := Open(name, data, DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for r.Next() {
			n++
		}
		if err := r.Err(); err != nil || n != benchRows+1 {
			b.Fatalf("%d rows, %v", n, err)
		}
		r.Close()
		rows += n - 1
	}
	perSec := float64(rows) / b.Elapsed().Seconds()
	b.ReportMetric(perSec, "rows/s")
	b.ReportMetric(perSec/goal, "x_goal")
}

// BenchmarkReadCSV reads a 100,000-row roster CSV (goal ≥ 50,000 rows/s).
func BenchmarkReadCSV(b *testing.B) {
	benchRead(b, "roster.csv", benchCSV(b), goalCSVRowsPerSec)
}

// BenchmarkReadXLSX reads a 100,000-row roster .xlsx with a date column (goal ≥ 20,000 rows/s).
func BenchmarkReadXLSX(b *testing.B) {
	benchRead(b, "roster.xlsx", benchXLSX(b), goalXLSXRowsPerSec)
}
