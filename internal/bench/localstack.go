package bench

import (
	"context"
	"fmt"
	"io"

	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
)

// StartLocal starts the local stack in home, from the runtime in runtimeDir, where it is not
// up (idempotent where it is), as `run` does, with task slots for parallelism.
func StartLocal(ctx context.Context, home, runtimeDir string, parallelism int, progress io.Writer) error {
	cfg := local.DefaultConfig()
	cfg.Home, cfg.RuntimeDir = home, runtimeDir
	if _, err := (&pipeline.Local{Config: cfg}).Prepare(ctx, pipeline.Need{Parallelism: parallelism}, progress); err != nil {
		return fmt.Errorf("start the local stack (or name yours with --brokers and --flink-url): %w", err)
	}
	return nil
}

// LocalProcesses finds the local stack's processes in home: the broker's pids (none when it
// is not running or the stack cannot be read) and a func that looks up the Flink cluster's,
// the JobManager's (0: none) and the TaskManagers', each time it is called (nil when the
// stack cannot be read).
func LocalProcesses(ctx context.Context, home string) (broker []int, flinkPIDs func(ctx context.Context) (jobManager int, taskManagers []int)) {
	cfg := local.DefaultConfig()
	cfg.Home = home
	stack, err := local.New(cfg, nil)
	if err != nil {
		return nil, nil
	}
	if st, err := stack.Status(ctx); err == nil && st.Kafka.Running {
		broker = []int{st.Kafka.PID}
	}
	return broker, func(ctx context.Context) (int, []int) {
		st, err := stack.Status(ctx)
		if err != nil {
			return 0, nil
		}
		return st.Flink.JobManagerPID, st.Flink.TaskManagerPIDs
	}
}
