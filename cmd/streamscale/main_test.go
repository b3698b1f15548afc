package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestMain runs the command itself when the test binary is started as the CLI (see
// startCLI), so that tests can send it real signals.
func TestMain(m *testing.M) {
	if os.Getenv("STREAMSCALE_TEST_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// startCLI starts this test binary as `streamscale args…`.
func startCLI(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STREAMSCALE_TEST_RUN_MAIN=1", "STREAMSCALE_HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, &stderr
}

// TestMainKfake_SecondInterruptQuits: `streamscale generate` against a broker that stopped
// answering (franz-go's kfake, with produce requests never answered) stops sending on the
// first SIGINT and waits for what is in flight; a second SIGINT quits at once with exit code
// 130.
func TestMainKfake_SecondInterruptQuits(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "in"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return nil, nil, true // never answered
	})
	// 100,000 events/s fill the client's 65,536-record buffer in well under a second.
	cmd, stderr := startCLI(t, "generate", "--brokers", c.ListenAddrs()[0], "--rate", "100000", "--duration", "1h", "--duplicate-fraction", "0")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	time.Sleep(2 * time.Second)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Fatalf("exit = %v, want code 130; stderr:\n%s", err, stderr)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after the second SIGINT; stderr:\n%s", stderr)
	}
	for _, want := range []string{"stopping: waiting up to 30s for 65536 records in flight", "interrupted again"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
}

func TestOnSignals(t *testing.T) {
	sigs := make(chan os.Signal)
	ctx, cancel := context.WithCancel(context.Background())
	quit := make(chan struct{})
	go onSignals(sigs, cancel, func() { close(quit) })
	sigs <- os.Interrupt
	<-ctx.Done()
	select {
	case <-quit:
		t.Fatal("quit after the first signal")
	case <-time.After(50 * time.Millisecond):
	}
	sigs <- syscall.SIGTERM
	select {
	case <-quit:
	case <-time.After(5 * time.Second):
		t.Fatal("the second signal did not quit")
	}
}
