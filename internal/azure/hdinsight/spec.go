// Package hdinsight plans and provisions the sample's other Azure home for Flink: an
// HDInsight 5.1 Hadoop cluster whose YARN runs our Flink 2.2 session. HDInsight on AKS (the
// managed Flink) was retired on 2025-01-31 and classic HDInsight 5.1 never had a Flink
// cluster type, so a script action installs a Java 17 runtime and Flink on the head node and
// starts a detached YARN session there, as the sample did.
package hdinsight

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// Sizes and versions of the cluster. The sample used 3 workers of Standard_D3_V2 for every
// tier; the head nodes take the same size (HDInsight's smallest general-purpose head node
// size for Hadoop), the ZooKeeper nodes HDInsight's smallest.
const (
	ClusterVersion    = "5.1"
	ClusterKind       = "hadoop"
	DefaultWorkers    = 3
	DefaultWorkerSize = "Standard_D3_V2"
	HeadNodeSize      = "Standard_D3_V2"
	HeadNodes         = 2
	ZookeeperNodeSize = "Standard_A2_V2"
	ZookeeperNodes    = 3
	// FlinkDistVersion is the Flink distribution the script action installs (the pinned
	// Flink of jvm/pom.xml).
	FlinkDistVersion = "2.2.1"
	// FlinkDistURL is where the script action downloads it.
	FlinkDistURL = "https://archive.apache.org/dist/flink/flink-2.2.1/flink-2.2.1-bin-scala_2.12.tgz"
	// JavaURL is a Java 17 runtime (Eclipse Temurin) for any x64 Linux; HDInsight 5.1's
	// own Java is 8.
	JavaURL = "https://api.adoptium.net/v3/binary/latest/17/ga/linux/x64/jre/hotspot/normal/eclipse"
	// JobManagerMemory, TaskManagerMemory are the sample's YARN session sizes.
	JobManagerMemory  = "1024m"
	TaskManagerMemory = "4096m"
	// SessionName is the YARN application's name.
	SessionName = "streamscale-flink"
	// ScriptName is the script action's name; ScriptBlob the script's blob in the storage
	// account's ScriptContainer.
	ScriptName      = "streamscale-flink-session"
	ScriptContainer = "scripts"
	ScriptBlob      = "streamscale-hdinsight-flink.sh"
	// RelayJarBlob is the relay jar's blob next to the script.
	RelayJarBlob = "relay-job.jar"
	// InstallDir is where the script puts Java and Flink on the head node.
	InstallDir = "/opt/streamscale"
	// LoginUser is the cluster's gateway (Ambari/REST) user; SSHUser its SSH user.
	LoginUser = "admin"
	SSHUser   = "sshuser"
	// FileSystem is the ADLS Gen2 file system holding the cluster's default storage.
	FileSystem = "hdinsight"
	// SecretsBlob is the job's Event Hubs connection strings (keys in and out) in the
	// default file system, under UploadDir: readable only by principals with a data role on
	// the account (the cluster's identity, and whoever runs `up`).
	SecretsBlob = "secrets/eventhubs.properties"
	// NodeConfigDir is where the script action puts the job's Kafka settings on every node.
	NodeConfigDir = "/etc/streamscale"
	// NodeSecretsFile is SecretsBlob's copy on every node: owner yarn (who runs the YARN
	// containers on HDInsight), mode 0600. Kafka's FileConfigProvider reads it where a
	// client starts, so no connection string is in the job's arguments or Flink's
	// configuration.
	NodeSecretsFile = NodeConfigDir + "/eventhubs.properties"
	// NodeInProperties and NodeOutProperties are the input's (#1) and output's (#2) Kafka
	// client settings on every node (no secret in them).
	NodeInProperties  = NodeConfigDir + "/in.properties"
	NodeOutProperties = NodeConfigDir + "/out.properties"
	// ScriptSASLifetime is how long the script action's URL (a user-delegation SAS: the
	// account takes no shared key and no anonymous read) lets HDInsight read the script.
	// Cluster creation runs it within this; a later scale-out runs it again and needs a new
	// URL (docs/hdinsight.md).
	ScriptSASLifetime = 3 * time.Hour
)

// Spec is the HDInsight cluster's shape on top of a plan.
type Spec struct {
	// Workers and WorkerSize size the worker node role (default DefaultWorkers ×
	// DefaultWorkerSize).
	Workers    int
	WorkerSize string
	// Slots is each TaskManager's slots: the YARN session asks YARN for
	// ceil(parallelism / Slots) TaskManagers as the job needs them.
	Slots int
}

var vmSize = regexp.MustCompile(`^Standard_[A-Za-z0-9_]+$`)

// Defaults fills what s leaves unset.
func (s Spec) Defaults() Spec {
	if s.Workers == 0 {
		s.Workers = DefaultWorkers
	}
	if s.WorkerSize == "" {
		s.WorkerSize = DefaultWorkerSize
	}
	if s.Slots == 0 {
		s.Slots = 2
	}
	return s
}

// Validate checks a defaulted spec.
func (s Spec) Validate() error {
	switch {
	case s.Workers < 1 || s.Workers > 100:
		return fmt.Errorf("--hdi-workers %d: give 1 to 100 worker nodes", s.Workers)
	case !vmSize.MatchString(s.WorkerSize):
		return fmt.Errorf("--hdi-worker-size %q: give an Azure VM size such as %s", s.WorkerSize, DefaultWorkerSize)
	case s.Slots < 1 || s.Slots > 64:
		return errors.New("--hdi-slots: give 1 to 64 slots per TaskManager")
	}
	return nil
}

// Names of the HDInsight resources, derived from the plan's names so the same flags always
// name the same cluster.
type Names struct {
	Cluster  string
	Identity string
}

// NamesFor derives them from the plan.
func NamesFor(p *plan.Plan) Names {
	st := strings.TrimSuffix(p.Names.StorageAccount, "st")
	return Names{Cluster: p.Config.Prefix + "-hdi-" + st[len(st)-6:], Identity: p.Config.Prefix + "-hdi-storage"}
}
