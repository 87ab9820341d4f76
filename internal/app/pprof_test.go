package app

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestProfilerListensOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{":6060", "0.0.0.0:6060", "10.0.0.1:6060", "example.org:6060", "6060"} {
		if _, _, err := startProfiler(addr); err == nil {
			t.Errorf("startProfiler(%q) accepted an address that is not loopback", addr)
		}
	}
	addr, stop, err := startProfiler("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
		t.Errorf("profiler index: %d %.200s", resp.StatusCode, body)
	}
}
