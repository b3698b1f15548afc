package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
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
func startCLI(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STREAMSCALE_TEST_RUN_MAIN=1", "STREAMSCALE_HOME="+t.TempDir())
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, stderr
}

// syncBuffer is a bytes.Buffer the child's output goroutine writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls the output until it contains want, failing the test after timeout.
func (s *syncBuffer) waitFor(t *testing.T, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(s.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q on stderr within %s:\n%s", want, timeout, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
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
	producing := make(chan struct{})
	var once sync.Once
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		once.Do(func() { close(producing) }) // the generator sends, so its signal handler is in place
		return nil, nil, true                // never answered
	})
	// 100,000 events/s fill the client's 65,536-record buffer in well under a second.
	cmd, stderr := startCLI(t, "generate", "--brokers", c.ListenAddrs()[0], "--rate", "100000", "--duration", "1h", "--duplicate-fraction", "0")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// The first SIGINT once records are in flight (how many is not asserted on: it varies with
	// the machine).
	select {
	case <-producing:
	case err := <-exited:
		t.Fatalf("generate exited before sending: %v; stderr:\n%s", err, stderr)
	case <-time.After(20 * time.Second):
		t.Fatalf("no produce request within 20 s; stderr:\n%s", stderr)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// The second SIGINT once the first one has been taken: it must quit without waiting.
	stderr.waitFor(t, "stopping: waiting up to 30s for ", 20*time.Second)
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
	for _, want := range []string{"records in flight", "interrupted again"} {
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
