package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// GoRelayProcess starts the Go relay contender as a child process of this binary (its hidden
// `bench go-relay` command), so that its CPU and memory are its own in /proc; the child dies
// with this process. dropEvery > 0 is the test-only mode that drops every n-th record. Its
// output goes to stderr.
func GoRelayProcess(c kafkaconn.Conn, stderr io.Writer, dropEvery int64) func(ctx context.Context, in, out, group string) (Child, error) {
	return func(ctx context.Context, in, out, group string) (Child, error) {
		if c.TLS || c.SASLMechanism != "" || c.EventHubs {
			return nil, errors.New("the Go relay contender connects in plaintext only")
		}
		self, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("go relay: find this binary: %w", err)
		}
		cmd := exec.Command(self, "bench", "go-relay", "--brokers", strings.Join(c.Brokers, ","),
			"--input-topic", in, "--output-topic", out, "--group", group)
		if dropEvery > 0 {
			cmd.Args = append(cmd.Args, "--test-only-drop-every", strconv.FormatInt(dropEvery, 10))
		}
		cmd.Stdout, cmd.Stderr = stderr, stderr
		dieWithParent(cmd)
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("go relay: start: %w", err)
		}
		return &childProc{cmd: cmd}, nil
	}
}

// childProc is a started child process.
type childProc struct{ cmd *exec.Cmd }

func (p *childProc) PID() int { return p.cmd.Process.Pid }

// Stop interrupts the child (it commits and exits) and waits up to 15 s before killing it.
func (p *childProc) Stop() error {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		return <-done
	}
}
