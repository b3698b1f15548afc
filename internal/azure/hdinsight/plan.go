package hdinsight

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/relay"
)

// The HDInsight path's own step kinds, after the shared ones (resource group, Event Hubs,
// storage account).
const (
	KindIdentity       plan.StepKind = "managed-identity"
	KindRoleAssignment plan.StepKind = "role-assignments"
	KindUpload         plan.StepKind = "uploads"
	KindCluster        plan.StepKind = "hdinsight-cluster"
	KindScriptAction   plan.StepKind = "script-action"
	KindSession        plan.StepKind = "yarn-session"
	KindJob            plan.StepKind = "flink-job"
)

// Plan is `azure up --platform hdinsight`: the AKS plan's shared resources and the cluster.
type Plan struct {
	Base  *plan.Plan
	Spec  Spec
	Names Names
	Steps []plan.Step
}

// New builds the HDInsight plan on a validated base plan.
func New(base *plan.Plan, s Spec) (*Plan, error) {
	s = s.Defaults()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p := &Plan{Base: base, Spec: s, Names: NamesFor(base)}
	p.Steps = p.steps()
	return p, nil
}

// shared are the base plan's kinds the HDInsight path creates the same way.
var shared = map[plan.StepKind]bool{
	plan.KindResourceGroup: true, plan.KindNamespace: true, plan.KindHub: true, plan.KindRules: true,
}

// DefaultStorage is the cluster's default file system (ADLS Gen2).
func (p *Plan) DefaultStorage() string {
	return fmt.Sprintf("abfs://%s@%s.dfs.core.windows.net", FileSystem, p.Base.Names.StorageAccount)
}

// ScriptURI is the script action's blob in the cluster's default storage. The account takes
// neither a shared key nor anonymous reads, so HDInsight is given this URI with a short-lived
// user-delegation SAS (Runner.scriptURL), which is never printed.
func (p *Plan) ScriptURI() string {
	return fmt.Sprintf("https://%s.blob.core.windows.net/%s/streamscale/%s", p.Base.Names.StorageAccount, FileSystem, ScriptBlob)
}

// RelayJarPath is the relay jar in the cluster's default storage.
func (p *Plan) RelayJarPath() string { return p.DefaultStorage() + "/" + UploadDir + RelayJarBlob }

// SecretsPath is SecretsBlob in the cluster's default storage.
func (p *Plan) SecretsPath() string { return p.DefaultStorage() + "/" + UploadDir + SecretsBlob }

// JobSpec is the plan's job with its arguments on HDInsight: the AKS job's (input from
// namespace #1, output and dead letters to #2), with the Kafka settings the script action
// puts on every node.
func (p *Plan) JobSpec() relay.Spec {
	s := manifest.RelaySpec(p.Base)
	s.KafkaPropertiesFile, s.OutputKafkaPropertiesFile = NodeInProperties, NodeOutProperties
	return s
}

// SSHHost is the cluster's SSH endpoint (the first head node).
func (p *Plan) SSHHost() string { return SSHUser + "@" + p.Names.Cluster + "-ssh.azurehdinsight.net" }

// TaskManagers is how many TaskManagers the session grows to for the job's parallelism.
func (p *Plan) TaskManagers() int {
	return (p.Base.Tier.Parallelism + p.Spec.Slots - 1) / p.Spec.Slots
}

// JobArgs is the command that submits the job to the YARN session, as argv on the machine
// that runs `up`: Flink's own client on the first head node, over SSH, as root (who started
// the session, so its /tmp/.yarn-properties-root names the session's application). The job
// reads namespace #1 and writes namespace #2 with the node's Kafka settings; no secret is in
// it. The last element is the remote shell's command line.
func (p *Plan) JobArgs() []string {
	s := p.JobSpec()
	flinkHome := InstallDir + "/flink-" + FlinkDistVersion
	run := append([]string{flinkHome + "/bin/flink", "run", "--detached", "--class", s.MainClass(), flinkHome + "/usrlib/relay-job.jar"}, s.ProgramArgs()...)
	quoted := make([]string, len(run))
	for i, a := range run {
		quoted[i] = shellQuote(a)
	}
	script := ". " + flinkHome + "/conf/streamscale.env && exec " + strings.Join(quoted, " ")
	return []string{"ssh", p.SSHHost(), "sudo bash -c " + shellQuote(script)}
}

// JobCommand is JobArgs as one line for a POSIX shell.
func (p *Plan) JobCommand() string {
	a := p.JobArgs()
	return a[0] + " " + a[1] + " " + shellQuote(a[2])
}

// shellQuote quotes s for a POSIX shell, when it holds more than letters, digits and
// _ . / : = @ , + -.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@,+-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (p *Plan) steps() []plan.Step {
	b, n, s := p.Base, p.Names, p.Spec
	var steps []plan.Step
	for _, st := range b.Steps {
		if shared[st.Kind] {
			steps = append(steps, st)
		}
	}
	return append(steps,
		plan.Step{Kind: plan.KindStorage, Name: b.Names.StorageAccount, Details: []string{
			"sku Standard_LRS, kind StorageV2, hierarchical namespace on (ADLS Gen2, as HDInsight 5.1 takes it)",
			"file system " + FileSystem + ": the cluster's default storage (" + p.DefaultStorage() + ")",
			"container " + plan.CheckpointContainer + ": Flink checkpoints and savepoints",
			"shared key access off: the cluster reaches it with managed identity " + n.Identity,
			"blob " + UploadDir + SecretsBlob + ": the job's connection strings (rules " + plan.RuleJobListen + " on #1, " + plan.RuleJobSend + " on #2), for the script action",
		}},
		plan.Step{Kind: KindIdentity, Name: n.Identity, Details: []string{
			"user-assigned managed identity: the cluster's access to its ADLS Gen2 storage",
		}},
		plan.Step{Kind: KindRoleAssignment, Name: n.Identity, Details: []string{
			"Storage Blob Data Owner on " + b.Names.StorageAccount + " (HDInsight's requirement for ADLS Gen2)",
		}},
		plan.Step{Kind: KindUpload, Name: UploadDir + ScriptBlob + ", " + UploadDir + RelayJarBlob + ", " + UploadDir + SecretsBlob, Details: []string{
			"script " + p.ScriptURI() + " (generated by streamscale; printed below)",
			"relay jar " + p.RelayJarPath(),
			"connection strings " + p.SecretsPath() + " (never printed)",
		}},
		plan.Step{Kind: KindCluster, Name: n.Cluster, Details: []string{
			"HDInsight " + ClusterVersion + ", kind " + ClusterKind + " (Hadoop 3, YARN), Linux, tier Standard",
			fmt.Sprintf("head nodes %d × %s", HeadNodes, HeadNodeSize),
			fmt.Sprintf("worker nodes %d × %s", s.Workers, s.WorkerSize),
			fmt.Sprintf("zookeeper nodes %d × %s", ZookeeperNodes, ZookeeperNodeSize),
			"default storage " + p.DefaultStorage() + " with identity " + n.Identity,
			"gateway user " + LoginUser + ", ssh user " + SSHUser + ": one generated password, never printed or written locally; Azure keeps it in the cluster's gateway settings (read it with the getGatewaySettings API, or reset it in the portal)",
			"minimum TLS 1.2",
		}},
		plan.Step{Kind: KindScriptAction, Name: ScriptName, Details: []string{
			"runs on the head and worker nodes at creation: " + p.ScriptURI(),
			fmt.Sprintf("HDInsight fetches it with a user-delegation SAS valid %s (read only, https only, never printed)", ScriptSASLifetime),
			"every node: Java 17 (Eclipse Temurin) into " + InstallDir + "/java17; " + NodeSecretsFile + " (owner yarn, mode 0600) from " + p.SecretsPath() + "; " + NodeInProperties + " and " + NodeOutProperties,
			"head nodes: Flink " + FlinkDistVersion + " into " + InstallDir + " and the relay jar from " + p.RelayJarPath(),
			"on the first head node (hn0) only: starts the YARN session below",
		}},
		plan.Step{Kind: KindSession, Name: SessionName, Details: []string{
			"yarn-session.sh --detached --name " + SessionName + " --jobManagerMemory " + JobManagerMemory + " --taskManagerMemory " + TaskManagerMemory + " --slots " + strconv.Itoa(s.Slots),
			fmt.Sprintf("the session grows to %d TaskManager(s) for parallelism %d", p.TaskManagers(), b.Tier.Parallelism),
			"checkpoints " + p.Base.Names.StorageURI("checkpoints") + ", savepoints " + p.Base.Names.StorageURI("savepoints"),
			"containerized.master.env.JAVA_HOME and containerized.taskmanager.env.JAVA_HOME " + InstallDir + "/java17: the YARN containers run on Java 17, not the nodes' Java 8",
			"Kafka clients resolve ${file:" + NodeSecretsFile + ":…} with FileConfigProvider (allowed by env.java.opts.all)",
			"Flink UI and REST: not public; the JobManager runs in a YARN container (its address: `yarn application -list` on the head node)",
			"reach it through an SSH tunnel: ssh -L 8081:<JobManager host:port> " + SSHUser + "@" + n.Cluster + "-ssh.azurehdinsight.net",
		}},
		plan.Step{Kind: KindJob, Name: string(p.Base.Config.Job.OrDefault()), Details: []string{
			p.JobCommand(),
			"reads " + plan.HubIn + " on " + p.Base.Names.NamespaceIn + " (#1), writes " + plan.HubOut + " and " + plan.HubDeadLetter + " on " + p.Base.Names.NamespaceOut + " (#2)",
			"Kafka settings " + NodeInProperties + " (#1) and " + NodeOutProperties + " (#2); the connection strings only in " + NodeSecretsFile + ", never on the command line",
		}},
	)
}

// Write prints the plan as `azure up --platform hdinsight --dry-run` shows it, then the
// script action. Nothing in it is secret.
func (p *Plan) Write(w io.Writer) error {
	b, s := p.Base, p.Spec
	sub := b.Config.Subscription
	if sub == "" {
		sub = "(from --subscription or " + plan.EnvSubscription + " when not a dry run)"
	}
	ew := plan.NewErrWriter(w)
	ew.Printf("streamscale azure up --platform hdinsight: plan for tier %d (%d events/s)\n", b.Tier.Number, b.Tier.EventsPerSecond())
	ew.Printf("  subscription    %s\n", sub)
	ew.Printf("  resource group  %s in %s\n", b.Config.ResourceGroup, b.Config.Location)
	ew.Printf("  event hubs      2 namespaces, %s, %d units each; hubs %s and %s with %d partitions\n",
		b.Config.SKU.AzureName(), b.Capacity, plan.HubIn, plan.HubOut, b.Tier.Partitions)
	ew.Printf("  hdinsight       %s %s: %d × %s head, %d × %s workers, %d × %s zookeeper\n",
		ClusterKind, ClusterVersion, HeadNodes, HeadNodeSize, s.Workers, s.WorkerSize, ZookeeperNodes, ZookeeperNodeSize)
	ew.Printf("  flink           %s as a YARN session, JM %s, TM %s × %d slots, parallelism %d, guarantee %s\n",
		FlinkDistVersion, JobManagerMemory, TaskManagerMemory, s.Slots, b.Tier.Parallelism, b.Config.Guarantee)
	ew.Printf("\n")
	if err := ew.Err(); err != nil {
		return err
	}
	if err := plan.WriteSteps(w, p.Steps); err != nil {
		return err
	}
	ew.Printf("\n# script action %s (%s)\n", ScriptName, p.ScriptURI())
	ew.Printf("%s", p.Script())
	return ew.Err()
}
