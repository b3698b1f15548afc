package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

// SampleJobEntryClass is the ported sample job's main class (jvm/sample-job).
const SampleJobEntryClass = "io.streamscale.sample.SampleJob"

// SampleJobJarPath is build/jobs/sample-job.jar under the build directory.
func SampleJobJarPath(buildDir string) string {
	return filepath.Join(buildDir, "jobs", "sample-job.jar")
}

// sampleCheckpointInterval is the sample's: a checkpoint every 500 ms.
const sampleCheckpointInterval = 500 * time.Millisecond

// startSampleJob uploads and runs the ported sample job over t with parallelism p and waits
// until its tasks run; it returns the job id.
func startSampleJob(ctx context.Context, fc *flink.Client, jar, brokers string, t topics, p int, progress io.Writer) (string, error) {
	if _, err := os.Stat(jar); err != nil {
		return "", fmt.Errorf("sample job jar %s not found: run `make build`", jar)
	}
	jarID, err := fc.UploadJar(ctx, jar)
	if err != nil {
		return "", err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = fc.DeleteJar(dctx, jarID)
	}()
	jobID, err := fc.RunJar(ctx, jarID, flink.RunRequest{
		EntryClass: SampleJobEntryClass,
		ProgramArgsList: []string{
			"--bootstrap-servers", brokers, "--input-topic", t.in, "--output-topic", t.out,
			"--group-id", t.in + "-sample-job",
			"--checkpoint-interval-ms", strconv.FormatInt(sampleCheckpointInterval.Milliseconds(), 10),
		},
		Parallelism: p,
	})
	if err != nil {
		return "", fmt.Errorf("start sample job: %w", err)
	}
	fmt.Fprintf(progress, "submitted sample job %s (parallelism %d), waiting for its tasks\n", jobID, p)
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := fc.WaitRunning(wctx, jobID); err != nil {
		cancelJob(ctx, fc, jobID)
		return "", fmt.Errorf("sample job did not start: %w", err)
	}
	return jobID, nil
}
