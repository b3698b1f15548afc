package local

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
)

// Stack is one local Kafka + Flink stack rooted at a home directory.
type Stack struct {
	cfg    Config
	layout layout
	probe  Probe
}

// New returns the stack described by cfg. Nothing starts until Up.
func New(cfg Config, probe Probe) (*Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	home, err := filepath.Abs(cfg.Home)
	if err != nil {
		return nil, fmt.Errorf("home %s: %w", cfg.Home, err)
	}
	cfg.Home = home
	if cfg.RuntimeDir, err = filepath.Abs(cfg.RuntimeDir); err != nil {
		return nil, fmt.Errorf("runtime dir %s: %w", cfg.RuntimeDir, err)
	}
	if probe == nil {
		probe = DefaultProbe{}
	}
	return &Stack{cfg: cfg, layout: layout{home: home}, probe: probe}, nil
}

// Config returns the stack's effective configuration: after Up or Status it carries the ports
// the running stack was started with.
func (s *Stack) Config() Config { return s.cfg }

// Up starts every part of the stack that is not running and waits until the broker answers
// metadata requests and Flink reports all TaskManagers. It is idempotent. If anything fails,
// the processes this call started are stopped again and the error names what to do.
func (s *Stack) Up(ctx context.Context, progress io.Writer) (Status, error) {
	if progress == nil {
		progress = io.Discard
	}
	if err := checkRuntime(s.cfg.RuntimeDir); err != nil {
		return Status{}, err
	}
	java, _, err := FindJava(s.cfg.JavaHome)
	if err != nil {
		return Status{}, err
	}
	if err := s.makeStateDirs(); err != nil {
		return Status{}, err
	}
	unlock, err := lockHome(s.layout)
	if err != nil {
		return Status{}, err
	}
	defer unlock()

	st, err := loadOrNewState(s.layout)
	if err != nil {
		return Status{}, err
	}
	marker := homeMarker(s.cfg.Home)
	if err := s.resolveBrokers(st); err != nil {
		return Status{}, err
	}
	live := findLive(st, s.cfg.KafkaBrokers, marker)
	if err := s.adoptRunning(st, live, progress); err != nil {
		return Status{}, err
	}
	onYarn := s.cfg.FlinkOn == FlinkOnYarn
	if err := s.prepareStart(live, onYarn); err != nil {
		return Status{}, err
	}
	prevTier := st.Config.EventHubsTier
	st.Config = saved(s.cfg)

	var started []int
	fail := func(err error) (Status, error) {
		s.undoStart(ctx, st, marker, started)
		return Status{}, err
	}
	if err := s.startMissing(ctx, java, st, live, onYarn, progress, &started); err != nil {
		return fail(err)
	}
	if err := st.save(s.layout); err != nil {
		return fail(err)
	}
	status, err := s.waitHealthy(ctx, st, progress)
	if err != nil {
		return fail(err)
	}
	if err := s.applyEventHubs(ctx, prevTier, progress); err != nil {
		return fail(err)
	}
	return status, nil
}
