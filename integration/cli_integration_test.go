//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	imagepng "image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/runlog"
)

// cli builds bin/streamscale into a temp dir once per test and runs it with args.
type cli struct {
	t    *testing.T
	bin  string
	home string
	env  []string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "streamscale")
	build := exec.Command("go", "build", "-o", bin, "../cmd/streamscale")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	home := t.TempDir()
	return &cli{t: t, bin: bin, home: home, env: append(os.Environ(),
		"STREAMSCALE_HOME="+home,
		"STREAMSCALE_RUNTIME_DIR="+filepath.Join(buildDir(t), "runtime"),
	)}
}

// run executes the CLI and returns stdout, stderr and the exit code.
func (c *cli) run(ctx context.Context, args ...string) (string, string, int) {
	c.t.Helper()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = c.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		c.t.Fatalf("run %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

// TestIntegrationCLIRun drives the built binary the way a user does: `run` starts the stack
// and verifies a run, a second `run` reuses the job, `verify` re-checks the recorded window,
// `status --json` has the documented shape, a taken port is a clear error, and `down` leaves
// no process.
func TestIntegrationCLIRun(t *testing.T) {
	c := newCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 11*time.Minute)
	defer cancel()
	ports, err := local.FreePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	flinkMetrics, err := freePortRange(2, ports)
	if err != nil {
		t.Fatal(err)
	}
	portFlags := []string{
		"--kafka-port", strconv.Itoa(ports[0]), "--controller-port", strconv.Itoa(ports[1]),
		"--flink-rest-port", strconv.Itoa(ports[2]), "--flink-rpc-port", strconv.Itoa(ports[3]),
		"--metrics-port", strconv.Itoa(ports[4]), "--flink-metrics-port", strconv.Itoa(flinkMetrics),
		"--job-jar", filepath.Join(buildDir(t), "jobs", "relay-job.jar"),
	}
	var status stackStatus
	t.Cleanup(func() {
		c.run(context.Background(), "local", "down")
		for _, pid := range append([]int{status.Kafka.PID, status.Flink.JobManagerPID}, status.Flink.TaskManagerPIDs...) {
			if pid > 0 && alive(pid) {
				t.Errorf("process %d alive after `local down`", pid)
			}
		}
	})

	out, errOut, code := c.run(ctx, append([]string{"run", "--count", "3000", "--rate", "3000", "--checkpoint-interval", "2s"}, portFlags...)...)
	if code != 0 || !strings.Contains(out, "verification: PASS (0 missing)") || !regexp.MustCompile(`dead letters +0\n`).MatchString(out) {
		t.Fatalf("first run exited %d, want a pass with 0 dead letters\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	sout, _, code := c.run(ctx, "local", "status", "--json")
	if code != 0 {
		t.Fatalf("status exited %d: %s", code, sout)
	}
	if err := json.Unmarshal([]byte(sout), &status); err != nil {
		t.Fatalf("status --json: %v\n%s", err, sout)
	}
	if !status.Kafka.Healthy || !status.Flink.Healthy || status.Kafka.PID == 0 || len(status.Flink.TaskManagerPIDs) != 1 ||
		status.Kafka.Bootstrap != "127.0.0.1:"+strconv.Itoa(ports[0]) || !strings.HasSuffix(status.Flink.REST, ":"+strconv.Itoa(ports[2])) {
		t.Fatalf("status = %+v", status)
	}

	out, errOut, code = c.run(ctx, "run", "--count", "2000", "--rate", "4000")
	if code != 0 || !strings.Contains(errOut, "reusing running relay job") || !strings.Contains(out, "verification: PASS") {
		t.Fatalf("second run exited %d, want it to reuse the job\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	vout, verr, code := c.run(ctx, "verify", "--json")
	var res struct {
		Events    int64 `json:"events"`
		Missing   int64 `json:"missing"`
		LatencyMs struct {
			Pipeline struct {
				P50, P99, Max float64
			} `json:"pipeline"`
		} `json:"latencyMs"`
	}
	if code != 0 || json.Unmarshal([]byte(vout), &res) != nil || res.Events != 2000 || res.Missing != 0 || res.LatencyMs.Pipeline.Max <= 0 {
		t.Fatalf("verify of the second run exited %d: %+v\n%s\n%s", code, res, vout, verr)
	}

	// A failed check: exit 1 and one line with the measured value and the threshold.
	_, verr, code = c.run(ctx, "verify", "--max-p99-ms", "0.001")
	if code != 1 || !strings.Contains(verr, "FAIL max pipeline p99 (ms): measured ") || !strings.Contains(verr, "threshold 0.001") {
		t.Fatalf("verify with an unreachable p99 exited %d, want 1 and a FAIL line:\n%s", code, verr)
	}
	// peek shows the relayed records with their added fields.
	pout, perr, code := c.run(ctx, "peek", "-n", "1")
	if code != 0 || strings.Count(pout, "── out/") != 2 || !strings.Contains(pout, `"enqueuedAt": "`) || !strings.Contains(pout, `"processedAt": "`) {
		t.Fatalf("peek exited %d, want the latest record of each of the 2 partitions:\n%s\n%s", code, pout, perr)
	}

	checkRecordedTraffic(ctx, t, c)
	checkTimeWindowVerify(ctx, t, c)
	checkInterruptedRunVerifies(ctx, t, c)
	checkRunComplex(ctx, t, c, portFlags[len(portFlags)-1])

	// Bad input: a port in use in another home is a one-line error naming the flag.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	_, errOut, code = c.run(ctx, "local", "up", "--home", t.TempDir(), "--kafka-port", busy)
	if code != 1 || !strings.Contains(errOut, "--kafka-port") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("up with a taken port exited %d with %q, want exit 1 and one line naming --kafka-port", code, errOut)
	}
	_, errOut, code = c.run(ctx, "generate", "--rate", "-5")
	if code != 2 || !strings.Contains(errOut, "rate") {
		t.Fatalf("generate --rate -5 exited %d with %q, want a usage error naming rate", code, errOut)
	}

	if _, errOut, code := c.run(ctx, "local", "down"); code != 0 {
		t.Fatalf("down exited %d: %s", code, errOut)
	}
	for _, pid := range append([]int{status.Kafka.PID, status.Flink.JobManagerPID}, status.Flink.TaskManagerPIDs...) {
		if alive(pid) {
			t.Errorf("process %d alive after `local down`", pid)
		}
	}
	if _, _, code := c.run(ctx, "local", "status"); code != 1 {
		t.Fatalf("status after down exited %d, want 1 (not healthy)", code)
	}
}

// checkRecordedTraffic checks the hub table the last run recorded against the run's own
// offsets (the broker counted exactly the records appended to in and out in the window), and
// renders it with `report --run last --png`.
func checkRecordedTraffic(ctx context.Context, t *testing.T, c *cli) {
	t.Helper()
	last, err := runlog.Last(local.RunsDir(c.home))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := c.run(ctx, "report", "--run", "last", "--json")
	if code != 0 {
		t.Fatalf("report --run last exited %d: %s", code, errOut)
	}
	appended := map[string]int64{}
	rows := 0
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var row hubmetrics.Row
		if err := dec.Decode(&row); err != nil {
			t.Fatalf("report --json: %v\n%s", err, out)
		}
		rows++
		for _, h := range row.Hubs {
			appended[h.Topic] += h.IncomingMessages
		}
	}
	t.Logf("recorded %d rows: broker appended %v; offsets: in %d, out %d", rows, appended, last.In.Records(), last.Out.Records())
	if rows == 0 || appended["in"] != last.In.Records() || appended["out"] != last.Out.Records() {
		t.Fatalf("the recorded hub table counts %v records, the run's offset window %d in / %d out: they must agree exactly",
			appended, last.In.Records(), last.Out.Records())
	}
	png := filepath.Join(t.TempDir(), "traffic.png")
	if _, errOut, code := c.run(ctx, "report", "--run", "last", "--png", png); code != 0 {
		t.Fatalf("report --png exited %d: %s", code, errOut)
	}
	f, err := os.Open(png)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cfg, err := imagepng.DecodeConfig(f); err != nil || cfg.Width != 1000 {
		t.Fatalf("report --png wrote no 1000-pixel-wide PNG: %+v, %v", cfg, err)
	}
}

// checkTimeWindowVerify reconciles the last run by time instead of recorded offsets: the
// input appended between its start and finish against the output made from it.
func checkTimeWindowVerify(ctx context.Context, t *testing.T, c *cli) {
	t.Helper()
	last, err := runlog.Last(local.RunsDir(c.home))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := c.run(ctx, "verify", "--json", "--from", last.Started.Format(time.RFC3339Nano), "--to", last.Finished.Format(time.RFC3339Nano))
	var res struct {
		Reconciled          bool
		InputEvents, Events int64
		Missing, Unexpected int64
		Duplicates          int64
		OutsideWindow       int64
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("verify --from/--to exited %d\n%s\n%s", code, out, errOut)
	}
	if !res.Reconciled || res.InputEvents != 2000 || res.Events != 2000 || res.Missing != 0 || res.Unexpected != 0 || res.Duplicates != 0 {
		t.Fatalf("verify by time = %+v, want the run's 2000 events reconciled with nothing missing, unexpected or duplicated\n%s", res, errOut)
	}
}

// checkInterruptedRunVerifies: Ctrl-C during a run's load stops it, and what was sent is still
// verified and recorded; the command then exits 130.
func checkInterruptedRunVerifies(ctx context.Context, t *testing.T, c *cli) {
	t.Helper()
	cmd := exec.CommandContext(ctx, c.bin, "run", "--duration", "5m", "--rate", "2000")
	cmd.Env = c.env
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the first periodic line shows events were sent.
	var errOut strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		errOut.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "events/s  events ") {
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	rest, _ := io.ReadAll(stderr)
	errOut.Write(rest)
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("interrupted run ended with %v, want exit 130\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "interrupted: verifying what was sent") || !strings.Contains(stdout.String(), "verification: PASS (0 missing)") {
		t.Fatalf("interrupted run did not verify what it sent\nstdout:\n%s\nstderr:\n%s", stdout.String(), errOut.String())
	}
}

// checkRunComplex runs the complex job through `run --job complex` on the same topics (it
// replaces the relay there) long enough that every tag kind fires, with the load `run` picks
// for the complex job (mixed types, a device every 10 s, a tenth of the devices quiet after
// the first quarter) at a rate that keeps it short: 400 events/s over 4,000 devices for 160 s
// gives each device about 16 events (every <n>RecordsForThisKey, and HighCO2… needs two
// temperatures in [70, 80) and a CO2 reading above 80 in its buffer), and the quiet devices' last events
// (by 40 s) are 45 s old in event time once the job's watermark, 60 s behind the newest event,
// passes 85 s: NoNews for each of the 400. The summary reconciles the tags, 0 missing,
// unexpected or duplicated, with the count per kind of the window's tags, and the recorded run
// verifies again as complex. Its devices carry a prefix of their own: the job reads "in" from
// the earliest offset, so the earlier runs' devices already have full buffers and their first
// tags (CI saw 0 FirstTagForThisKey with the default devices), and their old events' NoNews
// tags come now: tags of events before the window, left out of the counts.
func checkRunComplex(ctx context.Context, t *testing.T, c *cli, jar string) {
	t.Helper()
	out, errOut, code := c.run(ctx, "run", "--job", "complex", "--rate", "400", "--duration", "160s", "--device-prefix", "complex-run-device-", "--job-jar", jar)
	if code != 0 || !strings.Contains(out, "verification: PASS (0 missing)") || !strings.Contains(out, "tags by kind") {
		t.Fatalf("run --job complex exited %d, want a pass with tag counts\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "complex job: a load where every tag kind fires: --mixed-types, --devices 4000 (a device every 10s), --quiet-devices 0.1") {
		t.Fatalf("run --job complex did not say which load it chose:\n%s", errOut)
	}
	for _, row := range []string{`missing tags +0\n`, `unexpected tags +0\n`, `duplicated tags +0\n`, `FirstTagForThisKey +[1-9]`, `<n>RecordsForThisKey +[1-9]`,
		`SeveralTemperaturesIn70s +[1-9]`, `HighCO2WithSeveralTemperaturesIn70s +[1-9]`, `NoNewsForAtLeast45000ms +400\n`} {
		if !regexp.MustCompile(row).MatchString(out) {
			t.Fatalf("run --job complex: no row matching %q in the summary:\n%s", row, out)
		}
	}
	t.Logf("run --job complex summary:\n%s", out)
	vout, verr, code := c.run(ctx, "verify", "--json")
	var res struct {
		Tags *struct {
			Expected int64          `json:"expected"`
			Missing  int64          `json:"missing"`
			ByKind   map[string]int `json:"byKind"`
		} `json:"tags"`
	}
	if code != 0 || json.Unmarshal([]byte(vout), &res) != nil || res.Tags == nil || res.Tags.Expected == 0 || res.Tags.Missing != 0 || res.Tags.ByKind["FirstTagForThisKey"] == 0 {
		t.Fatalf("verify of the complex run exited %d: %+v\n%s\n%s", code, res.Tags, vout, verr)
	}
}
