package yarn

import (
	"strings"
	"testing"
)

func TestParseResult(t *testing.T) {
	tests := []struct {
		name    string
		stdout  string
		wantID  string
		wantURL string
		wantErr string
	}{
		{"start", "log noise\nSTREAMSCALE_YARN_RESULT {\"applicationId\":\"application_1_0001\",\"state\":\"RUNNING\",\"restUrl\":\"http://localhost:42997\"}\n", "application_1_0001", "http://localhost:42997", ""},
		{"stop", "STREAMSCALE_YARN_RESULT {\"applicationId\":\"application_1_0001\",\"state\":\"KILLED\",\"restUrl\":\"\"}", "application_1_0001", "", ""},
		{"no line", "Exception in thread main\n", "", "", "no result line"},
		{"bad json", "STREAMSCALE_YARN_RESULT {\"applicationId\":", "", "", "read the launcher's result"},
		{"no id", "STREAMSCALE_YARN_RESULT {\"state\":\"RUNNING\"}", "", "", "names no application"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseResult(tt.stdout)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || r.ApplicationID != tt.wantID || r.RESTURL != tt.wantURL {
				t.Fatalf("ParseResult = %+v, %v", r, err)
			}
		})
	}
}

func TestLauncherCheckNamesTheBuild(t *testing.T) {
	err := Launcher{BuildDir: t.TempDir()}.Check()
	if err == nil || !strings.Contains(err.Error(), "make build") {
		t.Fatalf("Check() = %v, want a hint to run make build", err)
	}
}
