//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	imagepng "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/local"
)

// TestIntegrationDashboard opens `streamscale dashboard` (the built binary, attached to a
// real local stack with the relay running and a generator sending) in headless Chromium and
// waits for live updates: the job shows RUNNING, frames keep arriving, the relayed count
// grows, the charts have data points, and the input hub's chart has its line drawn above
// the zero line (pixels of the series' colour in a screenshot). The controls: once the
// generator stops and the output has drained, the relayed count stays put while frames keep
// arriving, and a dashboard started then (no history) draws no line above zero.
func TestIntegrationDashboard(t *testing.T) {
	stack, st := startStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cl := startRelay(ctx, t, st, "in", "out").producer
	genCtx, stopGen := context.WithCancel(ctx)
	genDone := make(chan error, 1)
	go func() {
		gcfg := generate.DefaultConfig()
		gcfg.Rate, gcfg.Duration, gcfg.DuplicateFraction, gcfg.Seed = 800, 10*time.Minute, 0, 1
		_, err := generate.Run(genCtx, cl, gcfg, nil)
		genDone <- err
	}()
	defer func() { stopGen(); <-genDone }()

	c := newCLI(t)
	home := stack.Config().Home
	url := startDashboardCLI(ctx, t, c, home)

	browser, closeBrowser := newBrowser(ctx, t)
	defer closeBrowser()
	page, closePage := chromedp.NewContext(browser)
	defer closePage()
	if err := chromedp.Do(page, chromedp.EmulateViewport(1400, 2200), chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	live := `+document.body.dataset.frames >= 4 && document.getElementById("job-state").textContent === "RUNNING"
		&& +document.getElementById("chart-hubs").dataset.points >= 3 && +document.getElementById("chart-latency").dataset.points >= 2
		&& +document.getElementById("chart-relayed").dataset.points >= 2 && +document.getElementById("chart-operators").dataset.points >= 2
		&& document.getElementById("relayed").textContent !== "-"`
	waitJS(page, t, live, 2*time.Minute)
	first := readPage(page, t)
	// Growth within a minute of frames, not at one given frame: a frame's scrape of Flink's
	// reporter can miss the job's counter (CI saw one read 0 once), which says nothing of the
	// relay.
	waitJS(page, t, fmt.Sprintf(`+document.body.dataset.frames >= %d && +document.getElementById("relayed").textContent.replace(/,/g, "") > %v`,
		first.frames+3, first.relayed), time.Minute)
	second := readPage(page, t)
	if second.relayed <= first.relayed {
		t.Fatalf("relayed did not grow while the generator sends: %v then %v", first.relayed, second.relayed)
	}
	if second.state != "RUNNING" || second.errors != "" {
		t.Fatalf("job state %q, source errors %q", second.state, second.errors)
	}
	t.Logf("live: frames %d -> %d, relayed %v -> %v, vertices %d", first.frames, second.frames, first.relayed, second.relayed, second.vertices)
	if second.vertices < 1 {
		t.Fatal("the tasks table is empty")
	}
	shot := screenshotFile(page, t, "dashboard-live.png")
	if n := linePixelsAboveZero(t, page, "#chart-hubs"); n < 20 {
		t.Fatalf("the hub lines have %d pixels above the zero line, want a drawn line (screenshot %s)", n, shot)
	}

	// Control: stop the stream and let the output drain; the count stops changing.
	stopGen()
	<-genDone
	genDone <- nil // for the deferred stop
	waitJS(page, t, `(() => { const f = window.dashboard.frames.slice(-3);
		return f.length === 3 && f.every((x) => x.relayedPerSec === 0); })()`, 2*time.Minute)
	stopped := readPage(page, t)
	waitJS(page, t, fmt.Sprintf(`+document.body.dataset.frames >= %d`, stopped.frames+3), time.Minute)
	after := readPage(page, t)
	if after.relayed != stopped.relayed {
		t.Fatalf("with the stream stopped the relayed count moved: %v then %v", stopped.relayed, after.relayed)
	}
	// A dashboard started now has no history of the stream: no line above zero.
	url2 := startDashboardCLI(ctx, t, c, home)
	page2, closePage2 := chromedp.NewContext(browser)
	defer closePage2()
	if err := chromedp.Do(page2, chromedp.EmulateViewport(1400, 2200), chromedp.Navigate(url2)); err != nil {
		t.Fatal(err)
	}
	waitJS(page2, t, `+document.body.dataset.frames >= 4 && +document.getElementById("chart-hubs").dataset.points >= 3`, time.Minute)
	if n := linePixelsAboveZero(t, page2, "#chart-hubs"); n != 0 {
		t.Fatalf("a stopped stream drew %d pixels above the zero line (screenshot %s)", n, screenshotFile(page2, t, "dashboard-stopped.png"))
	}
	if dir := os.Getenv("STREAMSCALE_SCREENSHOT_DIR"); dir != "" {
		b, _ := os.ReadFile(shot)
		_ = os.WriteFile(filepath.Join(dir, "dashboard.png"), b, 0o644)
	}
}

// startDashboardCLI starts `streamscale dashboard` on a free port for the stack in home and
// returns its URL; cleanup interrupts it (by PID) and fails the test if it does not exit.
func startDashboardCLI(ctx context.Context, t *testing.T, c *cli, home string) string {
	t.Helper()
	ports, err := local.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(c.bin, "dashboard", "--home", home, "--port", strconv.Itoa(ports[0]), "--interval", "1s", "--throughput-units", "1")
	cmd.Env = c.env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("dashboard exited with %v after Ctrl-C", err)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("dashboard pid %d did not stop within 15 s of Ctrl-C", cmd.Process.Pid)
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`^dashboard: (http://\S+)`)
		for sc.Scan() {
			t.Log("dashboard: " + sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		exited <- cmd.Wait()
	}()
	select {
	case u := <-urls:
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("the dashboard printed no address")
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	}
	return ""
}

// newBrowser starts headless Chromium (STREAMSCALE_BROWSER, else chromium on PATH).
func newBrowser(ctx context.Context, t *testing.T) (context.Context, func()) {
	t.Helper()
	path := os.Getenv("STREAMSCALE_BROWSER")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		t.Fatal("no Chromium found: install one (Debian: apt-get install chromium) or set STREAMSCALE_BROWSER")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelAlloc()
		t.Fatalf("start %s: %v", path, err)
	}
	return browser, func() { cancelBrowser(); cancelAlloc() }
}

// waitJS polls a JavaScript condition on the page until it is true.
func waitJS(page context.Context, t *testing.T, cond string, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(page, timeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(250*time.Millisecond), chromedp.WithPollingTimeout(0))); err != nil {
		dom, _ := chromedp.Run(page, chromedp.Evaluate[string](`document.getElementById("tiles").innerText + " | errors: " + document.getElementById("errors").innerText + " | frames " + document.body.dataset.frames + " | points " + [...document.querySelectorAll(".chart")].map((c) => c.id + "=" + c.dataset.points).join(" ")`))
		t.Fatalf("waiting for %s: %v\npage: %s", cond, err, dom)
	}
}

type pageState struct {
	frames   int
	relayed  float64
	state    string
	errors   string
	vertices int
}

func readPage(page context.Context, t *testing.T) pageState {
	t.Helper()
	type state struct {
		Frames   int     `json:"frames"`
		Relayed  float64 `json:"relayed"`
		State    string  `json:"state"`
		Errors   string  `json:"errors"`
		Vertices int     `json:"vertices"`
	}
	js := `({frames: +document.body.dataset.frames,
		relayed: +document.getElementById("relayed").textContent.replace(/,/g, ""),
		state: document.getElementById("job-state").textContent,
		errors: document.getElementById("errors").innerText,
		vertices: document.querySelectorAll("#vertices tbody tr").length})`
	v, err := chromedp.Run(page, chromedp.Evaluate[state](js))
	if err != nil {
		t.Fatal(err)
	}
	return pageState{frames: v.Frames, relayed: v.Relayed, state: v.State, errors: v.Errors, vertices: v.Vertices}
}

// screenshotFile saves a full-page screenshot under the test's temp dir and returns its path.
func screenshotFile(page context.Context, t *testing.T, name string) string {
	t.Helper()
	b, err := chromedp.Run(page, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// linePixelsAboveZero screenshots the hub chart's plot canvas and counts pixels of the two
// append lines' colours in the upper 92% of the plot: a line drawn above zero.
func linePixelsAboveZero(t *testing.T, page context.Context, chart string) int {
	t.Helper()
	b, err := chromedp.Run(page, chromedp.Screenshot(chromedp.CSS(chart+" .u-over")))
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagepng.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// The two append lines, "in in" (blue) and "out in" (red): a relay keeps them equal and
	// the later one is drawn over the first (CI saw the input line hidden, 8 pixels). The
	// "read" lines follow the relay's committed offsets, which a checkpoint moves after the
	// stream stopped (CI saw 17 such pixels on a dashboard started after the stop): left out.
	n := 0
	for _, c := range [][3]int{{0x25, 0x63, 0xeb}, {0xdc, 0x26, 0x26}} {
		n += countColour(img, c[0], c[1], c[2], 0.92)
	}
	return n
}

func countColour(img image.Image, r0, g0, b0 int, upper float64) int {
	bounds := img.Bounds()
	limit := bounds.Min.Y + int(float64(bounds.Dy())*upper)
	n := 0
	for y := bounds.Min.Y; y < limit; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			d := abs(int(r>>8)-r0) + abs(int(g>>8)-g0) + abs(int(b>>8)-b0)
			if d < 60 {
				n++
			}
		}
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
