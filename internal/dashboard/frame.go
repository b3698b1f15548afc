package dashboard

// Frame is one sample of everything the page shows, sent to it as one server-sent event.
// Fields a source could not provide are nil (or empty), and Errors says why.
type Frame struct {
	// At is the sample's time, Unix milliseconds.
	At int64 `json:"at"`
	// Hubs are records/s per topic over the last interval, from the broker's counters.
	Hubs []HubRate `json:"hubs,omitempty"`
	// MaxInPerSec and MaxOutPerSec are the Event Hubs MAX VALUE lines of the throughput
	// units, per second (0 without throughput units).
	MaxInPerSec  float64 `json:"maxInPerSec,omitempty"`
	MaxOutPerSec float64 `json:"maxOutPerSec,omitempty"`
	// ThrottleMsPerSec is the broker's produce + fetch throttle time per second.
	ThrottleMsPerSec *float64 `json:"throttleMsPerSec,omitempty"`
	// Lag is the relay's consumer group lag on the input topic (records), from its committed
	// offsets (which move on each checkpoint).
	Lag *int64 `json:"lag,omitempty"`
	// Job is the relay job as Flink's REST API reports it.
	Job *JobView `json:"job,omitempty"`
	// Relayed and DeadLettered are the job's own counters from Flink's Prometheus reporter
	// (cumulative), with their rates over the last interval.
	Relayed            *float64 `json:"relayed,omitempty"`
	DeadLettered       *float64 `json:"deadLettered,omitempty"`
	RelayedPerSec      *float64 `json:"relayedPerSec,omitempty"`
	DeadLetteredPerSec *float64 `json:"deadLetteredPerSec,omitempty"`
	// Operators are records in/out per second per operator, from Flink's Prometheus
	// reporter (fresher than REST, whose figures Flink refreshes every few seconds).
	Operators []OperatorRate `json:"operators,omitempty"`
	// Latency is pipeline and end-to-end latency of the output records read in the interval.
	Latency *LatencyView `json:"latency,omitempty"`
	// TargetPerSec is the generator's target rate when `run` drives it; the achieved rate is
	// the input hub's InPerSec.
	TargetPerSec float64 `json:"targetPerSec,omitempty"`
	// Errors maps a source name to its last error in this sample.
	Errors map[string]string `json:"errors,omitempty"`
}

// HubRate is one topic's rates over an interval.
type HubRate struct {
	Topic string `json:"topic"`
	// InPerSec is records appended per second; OutPerSec records consumer groups committed as
	// read per second.
	InPerSec  float64 `json:"inPerSec"`
	OutPerSec float64 `json:"outPerSec"`
}

// JobView is a Flink job's state and statistics.
type JobView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	State    string `json:"state"`
	UptimeMs int64  `json:"uptimeMs"`
	// Restarts is the job's numRestarts metric (-1 when Flink did not report it).
	Restarts    int64           `json:"restarts"`
	Checkpoints *CheckpointView `json:"checkpoints,omitempty"`
	Vertices    []VertexView    `json:"vertices"`
}

// CheckpointView summarizes a job's checkpoints.
type CheckpointView struct {
	Completed  int64 `json:"completed"`
	Failed     int64 `json:"failed"`
	InProgress int64 `json:"inProgress"`
	// LastDurationMs and LastSizeBytes are the latest completed checkpoint's.
	LastDurationMs int64 `json:"lastDurationMs"`
	LastSizeBytes  int64 `json:"lastSizeBytes"`
}

// VertexView is one task (chain of operators) of a job.
type VertexView struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Parallelism int    `json:"parallelism"`
	Status      string `json:"status"`
	// Backpressure is Flink's level ("ok", "low", "high"; "" when unknown) and the highest
	// backpressured-time ratio over the subtasks (0..1).
	Backpressure      string  `json:"backpressure"`
	BackpressureRatio float64 `json:"backpressureRatio"`
	// RecordsInPerSec and RecordsOutPerSec are over the last interval, from the vertex's
	// read-records and write-records (records between tasks; a source's input and a sink's
	// output are not counted by Flink here).
	RecordsInPerSec  float64 `json:"recordsInPerSec"`
	RecordsOutPerSec float64 `json:"recordsOutPerSec"`
	ReadRecords      int64   `json:"readRecords"`
	WriteRecords     int64   `json:"writeRecords"`
}

// LatencyView holds latency percentiles in milliseconds over one interval.
type LatencyView struct {
	Count       int64   `json:"count"`
	PipelineP50 float64 `json:"pipelineP50"`
	PipelineP99 float64 `json:"pipelineP99"`
	EndToEndP50 float64 `json:"endToEndP50"`
	EndToEndP99 float64 `json:"endToEndP99"`
}

// Info is what runs where: the page's header.
type Info struct {
	Brokers          []string `json:"brokers"`
	FlinkURL         string   `json:"flinkUrl"`
	BrokerMetrics    []string `json:"brokerMetrics"`
	FlinkMetrics     []string `json:"flinkMetrics"`
	InTopic          string   `json:"inTopic"`
	OutTopic         string   `json:"outTopic"`
	Group            string   `json:"group"`
	JobID            string   `json:"jobId,omitempty"`
	JobName          string   `json:"jobName,omitempty"`
	Tier             string   `json:"tier,omitempty"`
	Guarantee        string   `json:"guarantee,omitempty"`
	ThroughputUnits  int      `json:"throughputUnits"`
	TargetPerSec     float64  `json:"targetPerSec,omitempty"`
	IntervalMs       int64    `json:"intervalMs"`
	LatencyFromTopic bool     `json:"latencyFromTopic"`
}
