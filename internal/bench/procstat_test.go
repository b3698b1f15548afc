package bench

import (
	"os"
	"testing"
)

func TestParseStatCPU(t *testing.T) {
	stat := []byte("1234 (java (main)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 40 0 100 1000 200 18446744073709551615")
	got, err := parseStatCPU(stat)
	if err != nil || got != 3.0 {
		t.Fatalf("parseStatCPU = %v, %v; want 3.0", got, err)
	}
	if _, err := parseStatCPU([]byte("garbage")); err == nil {
		t.Fatal("parseStatCPU accepted garbage")
	}
}

func TestParseVmRSS(t *testing.T) {
	if got := parseVmRSS([]byte("Name:\tjava\nVmRSS:\t  2048 kB\nThreads: 3\n")); got != 2048*1024 {
		t.Fatalf("parseVmRSS = %d", got)
	}
	if got := parseVmRSS([]byte("Name:\tx\n")); got != 0 {
		t.Fatalf("parseVmRSS without VmRSS = %d", got)
	}
}

func TestReadProcSelf(t *testing.T) {
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSSBytes <= 0 {
		t.Fatalf("own RSS %d", s.RSSBytes)
	}
}
