package yarn

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSessionsRefuseBadSettings: what the caller must change comes back as a *SettingError,
// before any JDK is looked for.
func TestSessionsRefuseBadSettings(t *testing.T) {
	home := t.TempDir()
	confDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(confDir, "yarn-site.xml"), []byte("<configuration/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := SessionConfig{Name: "s", JobManagerMemoryMB: 1024, TaskManagerMemoryMB: 4096, Slots: 1}
	tests := []struct {
		name    string
		confDir string
		run     func(Sessions) error
		wantErr string
	}{
		{"start with a small taskmanager", confDir, func(s Sessions) error {
			c := good
			c.TaskManagerMemoryMB = 512
			_, err := s.Start(context.Background(), c)
			return err
		}, "taskmanager-memory-mb"},
		{"start without a conf dir", "", func(s Sessions) error { _, err := s.Start(context.Background(), good); return err }, "HADOOP_CONF_DIR"},
		{"stop with nothing recorded", confDir, func(s Sessions) error { _, err := s.Stop(context.Background(), "s", ""); return err }, "--application-id"},
		{"status with nothing recorded", confDir, func(s Sessions) error { _, err := s.Status(context.Background(), "s", ""); return err }, "--application-id"},
		{"status of an id without a conf dir", "", func(s Sessions) error {
			_, err := s.Status(context.Background(), "s", "application_1_0001")
			return err
		}, "yarn-conf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			javaAsked := false
			s := Sessions{Home: home, RuntimeDir: t.TempDir(), YarnConfDir: tt.confDir,
				Java: func() (string, error) { javaAsked = true; return "", errors.New("no java") }}
			err := tt.run(s)
			var se *SettingError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want a SettingError naming %q", err, tt.wantErr)
			}
			if javaAsked {
				t.Error("looked for a JDK before refusing the settings")
			}
		})
	}
}

// TestSessionsUseTheRecord: stop and status take the application id and the configuration
// directory Start recorded, and only then look for the JDK.
func TestSessionsUseTheRecord(t *testing.T) {
	home, confDir := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(confDir, "yarn-site.xml"), []byte("<configuration/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Sessions{Home: home, RuntimeDir: t.TempDir(), Java: func() (string, error) { return "", errors.New("no java here") }}
	if err := SaveRecord(s.recordPath("s"), Record{ApplicationID: "application_1_0001", YarnConfDir: confDir, Name: "s"}); err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]func() error{
		"stop":   func() error { _, err := s.Stop(context.Background(), "s", ""); return err },
		"status": func() error { _, err := s.Status(context.Background(), "s", ""); return err },
	} {
		err := run()
		var se *SettingError
		if err == nil || errors.As(err, &se) || !strings.Contains(err.Error(), "no java here") {
			t.Errorf("%s: err = %v, want the JDK lookup's error once the record filled in the id and conf dir", name, err)
		}
	}
}
