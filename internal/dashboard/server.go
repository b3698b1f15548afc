package dashboard

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"time"
)

//go:embed web
var webFiles embed.FS

// Sources are what the collector samples; any may be nil (the page then leaves its charts
// empty and says which source is missing).
type Sources struct {
	Broker    *BrokerRates
	Lag       *GroupLag
	Flink     *FlinkREST
	FlinkProm *FlinkPrometheus
	Latency   *OutputLatency
}

// Server collects frames every interval and serves the page, /api/info, /api/frames (the
// history as JSON) and /events (server-sent events: the history first, then each new frame).
type Server struct {
	info     Info
	src      Sources
	interval time.Duration
	keep     int

	mu      sync.Mutex
	history []Frame
	subs    map[chan Frame]struct{}
}

// Option configures a Server.
type Option func(*Server)

// WithInterval sets how often the collector samples (default 2s).
func WithInterval(d time.Duration) Option { return func(s *Server) { s.interval = d } }

// WithHistory sets how many frames the server keeps for a page that connects later
// (default 900: half an hour at 2 s).
func WithHistory(n int) Option { return func(s *Server) { s.keep = n } }

// New returns a Server for the sources; info is the page's header.
func New(info Info, src Sources, opts ...Option) *Server {
	s := &Server{info: info, src: src, interval: 2 * time.Second, keep: 900, subs: map[chan Frame]struct{}{}}
	for _, o := range opts {
		o(s)
	}
	s.info.IntervalMs = s.interval.Milliseconds()
	s.info.LatencyFromTopic = src.Latency != nil
	return s
}

// Run samples every interval until ctx ends.
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		s.publish(s.Collect(ctx))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Collect samples every source once, concurrently, each bounded by the interval.
func (s *Server) Collect(ctx context.Context) Frame {
	ctx, cancel := context.WithTimeout(ctx, max(s.interval, time.Second))
	defer cancel()
	f := Frame{At: time.Now().UnixMilli(), TargetPerSec: s.info.TargetPerSec}
	var mu sync.Mutex
	fail := func(source string, err error) {
		if err == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors[source] = err.Error()
	}
	var wg sync.WaitGroup
	goSample := func(fn func()) {
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	}
	if b := s.src.Broker; b != nil {
		goSample(func() {
			hubs, throttle, err := b.Sample(ctx)
			fail("broker", err)
			mu.Lock()
			f.Hubs, f.ThrottleMsPerSec = hubs, throttle
			mu.Unlock()
		})
	}
	if l := s.src.Lag; l != nil {
		goSample(func() {
			lag, err := l.Sample(ctx)
			fail("lag", err)
			if err == nil {
				mu.Lock()
				f.Lag = &lag
				mu.Unlock()
			}
		})
	}
	var job *JobView
	if fl := s.src.Flink; fl != nil {
		goSample(func() {
			j, err := fl.Sample(ctx)
			if errors.Is(err, ErrNoJob) {
				err = fmt.Errorf("%w at %s", err, fl.Base)
			}
			fail("flink", err)
			mu.Lock()
			job, f.Job = j, j
			mu.Unlock()
		})
	}
	wg.Wait()
	if p := s.src.FlinkProm; p != nil {
		id := ""
		if job != nil {
			id = job.ID
		}
		c, err := p.Sample(ctx, id)
		fail("flinkMetrics", err)
		if err == nil {
			if c.RelayedPresent {
				f.Relayed, f.RelayedPerSec = &c.Relayed, c.RelayedPerSec
			}
			f.Operators = c.Operators
			if c.DeadLetteredPresent {
				f.DeadLettered, f.DeadLetteredPerSec = &c.DeadLettered, c.DeadLetteredPerSec
			}
		}
	}
	if l := s.src.Latency; l != nil {
		f.Latency = l.Take()
	}
	if tu := s.info.ThroughputUnits; tu > 0 {
		f.MaxInPerSec, f.MaxOutPerSec = float64(1000*tu), float64(4096*tu)
	}
	return f
}

func (s *Server) publish(f Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.history = append(s.history, f)
	if len(s.history) > s.keep {
		s.history = append(s.history[:0:0], s.history[len(s.history)-s.keep:]...)
	}
	for ch := range s.subs {
		select {
		case ch <- f:
		default: // a slow page misses a frame rather than holding up the others
		}
	}
}

// Frames returns a copy of the kept history.
func (s *Server) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Frame(nil), s.history...)
}

func (s *Server) subscribe() (chan Frame, []Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan Frame, 16)
	s.subs[ch] = struct{}{}
	return ch, append([]Frame(nil), s.history...)
}

func (s *Server) unsubscribe(ch chan Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.subs, ch)
}

// Handler serves the page and its API. It only reads: no route changes anything.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(webFiles, "web")
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /api/info", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, s.info) })
	mux.HandleFunc("GET /api/frames", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, s.Frames()) })
	mux.HandleFunc("GET /events", s.events)
	return mux
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	ch, hist := s.subscribe()
	defer s.unsubscribe(ch)
	if err := sse(w, "history", hist); err != nil {
		return
	}
	fl.Flush()
	keepAlive := time.NewTicker(15 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case f := <-ch:
			if err := sse(w, "frame", f); err != nil {
				return
			}
		case <-keepAlive.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		}
		fl.Flush()
	}
}

func sse(w http.ResponseWriter, event string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
	return err
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Serve serves the page on ln and collects frames until ctx ends, then shuts the server down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Requests live in ctx: open event streams end with it, and Shutdown does not wait.
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go s.Run(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("dashboard server: %w", err)
	case <-ctx.Done():
	}
	shut, stop := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer stop()
	_ = srv.Shutdown(shut)
	return nil
}
