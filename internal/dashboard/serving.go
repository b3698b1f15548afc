package dashboard

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// Serving is where and how a dashboard serves: the settings `dashboard` and `run --dashboard`
// share, with their flags (run's prefixed dashboard-).
type Serving struct {
	// Port is the port on 127.0.0.1, unless Listen is set.
	Port int
	// Listen is the address to bind instead of 127.0.0.1:Port ("": none).
	Listen string
	// Open asks the desktop to open the page in a browser.
	Open bool
	// Interval is how often the dashboard samples its sources.
	Interval time.Duration
}

// AddFlags registers the settings' flags on fs, each name prefixed with prefix.
func (s *Serving) AddFlags(fs *pflag.FlagSet, prefix string) {
	fs.IntVar(&s.Port, prefix+"port", 8090, "dashboard port on 127.0.0.1")
	fs.StringVar(&s.Listen, prefix+"listen", "", "dashboard address to bind instead of 127.0.0.1:PORT, e.g. 0.0.0.0:8090 (the page has no authentication: anyone who reaches it sees it)")
	fs.BoolVar(&s.Open, prefix+"open", false, "open the dashboard in the browser")
	fs.DurationVar(&s.Interval, prefix+"interval", 2*time.Second, "how often the dashboard samples its sources")
}

// Validate checks the settings; the error names the flag, with prefix.
func (s Serving) Validate(prefix string) error {
	if s.Listen == "" && (s.Port < 0 || s.Port > 65535) {
		return fmt.Errorf("--%sport: %d is not a TCP port (0-65535)", prefix, s.Port)
	}
	if s.Interval < 500*time.Millisecond {
		return fmt.Errorf("--%sinterval: %s is shorter than 500ms", prefix, s.Interval)
	}
	return nil
}

// Addr is the address to bind: Listen, else 127.0.0.1:Port.
func (s Serving) Addr() string {
	if s.Listen != "" {
		return s.Listen
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
}

// Start starts the dashboard of c (Start) where and as s says: it binds the address, prints
// it, and serves until ctx ends.
func (s Serving) Start(ctx context.Context, c Config) (*Running, error) {
	c.Addr, c.Exposed, c.Interval, c.Open = s.Addr(), s.Listen != "", s.Interval, s.Open
	return Start(ctx, c)
}

// Background starts the dashboard of c like Start, but it keeps serving after ctx ends (a run
// still drains and verifies after a first Ctrl-C) until the returned stop is called.
func (s Serving) Background(ctx context.Context, c Config) (stop func(), err error) {
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r, err := s.Start(dctx, c)
	if err != nil {
		cancel()
		return nil, err
	}
	return func() { cancel(); r.Wait() }, nil
}
