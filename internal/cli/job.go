package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

func newJobCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Submit, list and cancel the Flink relay job",
	}
	cmd.AddCommand(newJobSubmitCmd(f), newJobListCmd(f), newJobCancelCmd(f))
	return cmd
}

// jobFlags are the relay job's settings, shared by `job submit` and `run`.
type jobFlags struct {
	jar                string
	brokers            string
	parallelism        int
	checkpointInterval time.Duration
	startTimeout       time.Duration
	// kafkaProperties is --job-kafka-properties-file.
	kafkaProperties string
}

func newJobFlags() *jobFlags {
	return &jobFlags{
		jar: relay.DefaultJarPath(local.BuildDir()), checkpointInterval: 10 * time.Second,
		startTimeout: 2 * time.Minute,
	}
}

func (j *jobFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&j.jar, "job-jar", j.jar, "the relay job jar built by make build")
	fs.StringVar(&j.brokers, "job-brokers", "", "bootstrap servers as the Flink job sees them (default: --brokers)")
	fs.IntVar(&j.parallelism, "parallelism", 0, "relay job parallelism (default: the input topic's partition count)")
	fs.DurationVar(&j.checkpointInterval, "checkpoint-interval", j.checkpointInterval, "relay job checkpoint interval")
	fs.DurationVar(&j.startTimeout, "job-start-timeout", j.startTimeout, "how long to wait for all the job's tasks to run")
	fs.StringVar(&j.kafkaProperties, "job-kafka-properties-file", "", "Kafka Java client properties (security.protocol, sasl.*, ssl.*) for the relay job to reach a secured Kafka, by its path on the Flink JobManager (default with TLS/SASL/Event Hubs on the local Flink: written from the connection flags for the submission, then removed)")
}

// specFor is spec for the cluster cf points at: on the local stack's Flink, whose slots do
// not grow and which shares this machine's files, a secured connection's settings are written
// to a file for the job's submission unless --job-kafka-properties-file names one.
func (j *jobFlags) specFor(cf *connFlags, conn kafkaconn.Conn, topics *topicFlags, partitions int32) relay.Spec {
	s := j.spec(conn, topics, partitions)
	if cf.localFlink() {
		s.FixedSlots = true
		s.ClientConfig = func() (string, func(), error) { return conn.WriteJobClientConfig("") }
	}
	return s
}

// spec builds the relay job spec; parallelism defaults to the partition count.
func (j *jobFlags) spec(conn kafkaconn.Conn, topics *topicFlags, partitions int32) relay.Spec {
	brokers := j.brokers
	if brokers == "" {
		brokers = joinBrokers(conn.Brokers)
	}
	p := j.parallelism
	if p <= 0 {
		p = int(partitions)
	}
	return relay.Spec{
		JarPath: j.jar, Brokers: brokers, InTopic: topics.in, OutTopic: topics.out,
		DeadLetterTopic: topics.deadLetterTopic(), Parallelism: p,
		CheckpointInterval: j.checkpointInterval, StartTimeout: j.startTimeout,
		Secured: secured(conn), KafkaPropertiesFile: j.kafkaProperties,
	}
}

// secured reports whether conn reaches Kafka other than in plaintext, so that the relay job
// needs the connection's settings in a properties file.
func secured(conn kafkaconn.Conn) bool {
	return conn.TLS || conn.SASLMechanism != "" || conn.EventHubs
}

// pipelineTopics checks that the relay's three topics exist and returns the input topic's
// partition count. A missing output or dead-letter topic would not stop the job from starting,
// but send it into a restart loop at its first record.
func pipelineTopics(ctx context.Context, adm *kadm.Client, topics *topicFlags) (int32, error) {
	names := []string{topics.in, topics.out, topics.deadLetterTopic()}
	details, err := adm.ListTopics(ctx, names...)
	if err != nil {
		return 0, fmt.Errorf("look up topics %s: %w", quoteAll(names), err)
	}
	var missing []string
	for _, n := range names {
		d, ok := details[n]
		switch {
		case !ok || errors.Is(d.Err, kerr.UnknownTopicOrPartition):
			if !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		case d.Err != nil:
			return 0, fmt.Errorf("look up topic %q: %w", n, d.Err)
		}
	}
	create := "streamscale topics create"
	if topics.in != "in" {
		create += " --in-topic " + topics.in
	}
	if topics.out != "out" {
		create += " --out-topic " + topics.out
	}
	if topics.deadLetter != "" {
		create += " --dead-letter-topic " + topics.deadLetter
	}
	switch len(missing) {
	case 0:
		return int32(len(details[topics.in].Partitions)), nil
	case 1:
		return 0, fmt.Errorf("topic %s not found: create it first with `%s`", quoteAll(missing), create)
	default:
		return 0, fmt.Errorf("topics %s not found: create them first with `%s`", quoteAll(missing), create)
	}
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func newJobSubmitCmd(f *Factory) *cobra.Command {
	conn, topics, job := newConnFlags(f), newTopicFlags(), newJobFlags()
	cmd := &cobra.Command{
		Use:   "submit",
		Short: "Upload and run the relay job, or report the one already running",
		Long: `Upload the relay job jar to Flink and run it reading --in-topic and writing --out-topic, then
wait until all its tasks run. The three topics must exist (streamscale topics create).

A relay job for the same topics and brokers that runs or is still starting is reused once all
its tasks run; one that fails or restarts instead is cancelled and a fresh one submitted. A job
that does not start (it fails, restarts, --job-start-timeout passes, or Ctrl-C) is cancelled,
and Flink's exception is shown. On the local stack a job needs as many free task slots as its
parallelism, or it is refused at once.

With --tls, --sasl-mechanism or an Event Hubs connection string the job gets the connection's
settings in a Kafka client properties file, never in its arguments: on the local Flink it is
written from these flags for the submission and removed afterwards; for another Flink, name a
file on its JobManager with --job-kafka-properties-file.`,
		Example: `  streamscale job submit
  streamscale job submit --parallelism 4 --brokers kafka:9092 --flink-url http://flink:8081`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := conn.conn()
			if err != nil {
				return err
			}
			if err := job.specFor(conn, c, topics, 0).CheckConnection(); err != nil {
				return err
			}
			var partitions int32
			err = withClient(ctx, conn, func(ctx context.Context, cl *kgo.Client) error {
				partitions, err = pipelineTopics(ctx, kadm.NewClient(cl), topics)
				return err
			})
			if err != nil {
				return err
			}
			fc, err := newFlinkClient(conn)
			if err != nil {
				return err
			}
			res, err := relay.Ensure(ctx, fc, job.specFor(conn, c, topics, partitions), f.IO.ErrOut)
			if err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Out, res.JobID)
			return nil
		},
	}
	conn.addKafka(cmd.Flags())
	conn.addFlink(cmd.Flags())
	topics.addNames(cmd.Flags())
	job.add(cmd)
	return cmd
}

func newJobListCmd(f *Factory) *cobra.Command {
	conn := newConnFlags(f)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the Flink cluster's jobs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fc, err := newFlinkClient(conn)
			if err != nil {
				return err
			}
			jobs, err := fc.Jobs(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "JOB ID\tSTATE\tNAME")
			for _, j := range jobs {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", j.ID, j.State, j.Name)
			}
			return tw.Flush()
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack (env STREAMSCALE_HOME)")
	return cmd
}

func newJobCancelCmd(f *Factory) *cobra.Command {
	conn, topics := newConnFlags(f), newTopicFlags()
	cmd := &cobra.Command{
		Use:   "cancel [JOB-ID]",
		Short: "Cancel a job (default: the relay job for --in-topic/--out-topic, running or starting)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			fc, err := newFlinkClient(conn)
			if err != nil {
				return err
			}
			id := ""
			if len(args) == 1 {
				id = args[0]
			} else {
				spec := relay.Spec{InTopic: topics.in, OutTopic: topics.out}
				found, ok, err := relay.Find(ctx, fc, spec)
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("no job named %q runs or is starting: give a job id (see `streamscale job list`)", spec.JobName())
				}
				id = found.ID
			}
			if err := fc.Cancel(ctx, id); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "cancelled %s\n", id)
			return nil
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack (env STREAMSCALE_HOME)")
	topics.addNames(cmd.Flags())
	return cmd
}

func newFlinkClient(conn *connFlags) (*flink.Client, error) {
	u, err := conn.flink()
	if err != nil {
		return nil, err
	}
	c, err := flink.New(u)
	if err != nil {
		return nil, flagErrorf(fmt.Errorf("--flink-url: %w", err))
	}
	return c, nil
}

func joinBrokers(bs []string) string {
	out := ""
	for i, b := range bs {
		if i > 0 {
			out += ","
		}
		out += b
	}
	return out
}
