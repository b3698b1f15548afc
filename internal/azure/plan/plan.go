package plan

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/relay"
)

// SKU is the Event Hubs namespaces' tier.
type SKU string

// The Event Hubs SKUs the plan supports.
const (
	// Standard is the sample's: capacity in throughput units, no Kafka transactions.
	Standard SKU = "standard"
	// Premium has Kafka transactions as a preview; capacity in processing units.
	Premium SKU = "premium"
)

// ParseSKU accepts standard or premium.
func ParseSKU(s string) (SKU, error) {
	switch k := SKU(strings.ToLower(s)); k {
	case Standard, Premium:
		return k, nil
	}
	return "", fmt.Errorf("--sku %q: use standard or premium", s)
}

// AzureName is the SKU's name in the Event Hubs API.
func (s SKU) AzureName() string {
	if s == Premium {
		return "Premium"
	}
	return "Standard"
}

// premiumUnits are the processing units Event Hubs Premium takes.
var premiumUnits = map[int]bool{1: true, 2: true, 4: true, 8: true, 16: true}

// ErrExactlyOnceStandard refuses exactly-once on Event Hubs Standard.
var ErrExactlyOnceStandard = errors.New("--guarantee exactly-once: Event Hubs Standard has no Kafka transactions; use --guarantee at-least-once, or --sku premium where transactions are a preview")

// EnvSubscription names the Azure subscription when --subscription is not given.
const EnvSubscription = "AZURE_SUBSCRIPTION_ID"

// ErrNoSubscription refuses a command that calls Azure without a subscription ID; it says how
// to give one. Every Azure command and runner returns this one error.
var ErrNoSubscription = errors.New("no subscription: pass --subscription or set " + EnvSubscription + " (`az account show --query id -o tsv`)")

// Config is what `azure up` was asked for.
type Config struct {
	// Tier is 1, 5 or 10.
	Tier int
	// Overrides replace the tier's sizes.
	Overrides Overrides
	// ResourceGroup and Location say where everything goes.
	ResourceGroup, Location string
	// Prefix starts every name (default DefaultPrefix): 3-11 lowercase letters and digits,
	// starting with a letter, so that every derived name fits Azure's rules.
	Prefix string
	// Subscription is the Azure subscription ID; empty in a dry run is fine.
	Subscription string
	// SKU of both namespaces (default Standard).
	SKU SKU
	// ProcessingUnits is each Premium namespace's capacity (default: 1, 2 or 4 by tier).
	ProcessingUnits int
	// Guarantee is the job's delivery guarantee (default at-least-once).
	Guarantee relay.Guarantee
	// Job is which Flink job the FlinkDeployment runs (default relay.JobRelay); each kind has
	// a FlinkDeployment of its own (DeploymentNameFor).
	Job relay.Job
	// FlinkBaseImage is the job image's base (default DefaultFlinkBaseImage); a tag naming
	// another Flink release than FlinkRelease is refused.
	FlinkBaseImage string
	// Images are the built images' digests (empty until `azure up` builds them).
	Images Images
	// OperatorVersion is the Flink Kubernetes Operator chart's version (default
	// DefaultOperatorVersion).
	OperatorVersion string
	// OperatorChart is where the operator's chart comes from (--operator-chart): a local
	// chart .tgz or directory, a chart .tgz URL, or a Helm repository URL (a mirror). Empty:
	// the Apache downloads site, then the Apache archive (OperatorChartSources).
	OperatorChart string
	// RetentionDays of the hubs (default 1).
	RetentionDays int
	// CheckpointInterval of the job (default 10s).
	CheckpointInterval time.Duration
	// LoadDuration is how long the generators `up` starts send (default DefaultLoadDuration).
	LoadDuration time.Duration
	// NoLoad makes `up` start no generator: the image, the identity and the connection string
	// are there for `azure run`, which starts its own.
	NoLoad bool
}

// Defaults the plan takes when the Config leaves them unset.
const (
	DefaultOperatorVersion = "1.15.0"
	DefaultLoadDuration    = 10 * time.Minute
	// OperatorChartRepo is the operator's Helm chart repository for a version: the Apache
	// download area, one directory per release. It keeps only current releases: an older one
	// is found in OperatorChartArchive.
	OperatorChartRepo = "https://downloads.apache.org/flink/flink-kubernetes-operator-%s/"
	// OperatorChartArchive is the Apache archive's copy of the same directory, which keeps
	// every release.
	OperatorChartArchive = "https://archive.apache.org/dist/flink/flink-kubernetes-operator-%s/"
	// OperatorChart is the chart's name in that repository.
	OperatorChart = "flink-kubernetes-operator"
)

// Plan is the deployment `azure up` converges to.
type Plan struct {
	Config Config
	Tier   Tier
	Names  Names
	// Capacity is each namespace's capacity: throughput units on Standard, processing units
	// on Premium.
	Capacity int
	Steps    []Step
}

// New validates c and builds its plan.
func New(c Config) (*Plan, error) {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.SKU == "" {
		c.SKU = Standard
	}
	if c.Guarantee == "" {
		c.Guarantee = relay.AtLeastOnce
	}
	c.Job = c.Job.OrDefault()
	if c.FlinkBaseImage == "" {
		c.FlinkBaseImage = DefaultFlinkBaseImage
	}
	if c.OperatorVersion == "" {
		c.OperatorVersion = DefaultOperatorVersion
	}
	if c.RetentionDays == 0 {
		c.RetentionDays = 1
	}
	if c.LoadDuration == 0 {
		c.LoadDuration = DefaultLoadDuration
	}
	if c.CheckpointInterval == 0 {
		c.CheckpointInterval = 10 * time.Second
	}
	t, err := LookupTier(c.Tier)
	if err != nil {
		return nil, err
	}
	t = c.Overrides.Apply(t)
	if err := c.validate(t); err != nil {
		return nil, err
	}
	p := &Plan{Config: c, Tier: t, Names: NewNames(c.Prefix, c.ResourceGroup, t.Generators), Capacity: t.ThroughputUnits}
	if c.SKU == Premium {
		p.Capacity = c.ProcessingUnits
		if p.Capacity == 0 {
			p.Capacity = map[int]int{1: 1, 5: 2, 10: 4}[c.Tier]
		}
		if !premiumUnits[p.Capacity] {
			return nil, fmt.Errorf("--processing-units %d: Event Hubs Premium takes 1, 2, 4, 8 or 16", p.Capacity)
		}
	}
	if err := p.Names.check(); err != nil {
		return nil, err
	}
	p.Steps = p.steps()
	return p, nil
}

func (c Config) validate(t Tier) error {
	switch {
	case c.ResourceGroup == "":
		return errors.New("--resource-group is required: name the resource group to create or reuse")
	case !rgPattern.MatchString(c.ResourceGroup) || strings.HasSuffix(c.ResourceGroup, "."):
		return fmt.Errorf("--resource-group %q: use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'", c.ResourceGroup)
	case c.Location == "":
		return errors.New("--location is required: an Azure region such as westeurope (`az account list-locations -o table`)")
	case !locPattern.MatchString(c.Location):
		return fmt.Errorf("--location %q: give a region's name such as westeurope, lowercase without spaces", c.Location)
	case !prefixPattern.MatchString(c.Prefix):
		return fmt.Errorf("--prefix %q: use 3-11 lowercase letters and digits, starting with a letter (it starts storage account and registry names)", c.Prefix)
	case c.Guarantee == relay.ExactlyOnce && c.SKU == Standard:
		return ErrExactlyOnceStandard
	case c.RetentionDays < 1 || c.RetentionDays > 7:
		return fmt.Errorf("--retention-days %d: Event Hubs Standard keeps events 1 to 7 days", c.RetentionDays)
	case c.ProcessingUnits != 0 && c.SKU != Premium:
		return errors.New("--processing-units is for --sku premium; Standard namespaces take --throughput-units")
	}
	if _, err := relay.ParseGuarantee(string(c.Guarantee)); err != nil {
		return fmt.Errorf("--guarantee: %w", err)
	}
	if _, err := relay.ParseJob(string(c.Job)); err != nil {
		return fmt.Errorf("--job: %w", err)
	}
	if err := checkFlinkBaseImage(c.FlinkBaseImage); err != nil {
		return err
	}
	if err := c.Images.validate(); err != nil {
		return err
	}
	return t.validate(c.SKU)
}

// DeploymentName is the FlinkDeployment of the plan's job (DeploymentNameFor).
func (p *Plan) DeploymentName() string { return DeploymentNameFor(p.Config.Job) }

// OtherDeploymentName is the FlinkDeployment of the other kind of job, which `up` deletes
// when it is there: one job writes the output hub.
func (p *Plan) OtherDeploymentName() string { return DeploymentNameFor(OtherJob(p.Config.Job)) }

// OtherJob is the other kind of job: the complex job for the relay, and the other way round.
func OtherJob(j relay.Job) relay.Job {
	if j.OrDefault() == relay.JobComplex {
		return relay.JobRelay
	}
	return relay.JobComplex
}

// DeploymentNameFor is the FlinkDeployment that runs job j: DeploymentName for the relay,
// ComplexDeploymentName for the complex job. A name per kind keeps the operator's savepoint
// upgrade from restoring one job's state into the other: the complex job starts fresh.
func DeploymentNameFor(j relay.Job) string {
	if j.OrDefault() == relay.JobComplex {
		return ComplexDeploymentName
	}
	return DeploymentName
}

// OperatorChartSources are where `up` looks for the operator's chart, in order: the
// --operator-chart given, else the Apache downloads site's repository for the version, then
// the Apache archive's.
func (p *Plan) OperatorChartSources() []string {
	if p.Config.OperatorChart != "" {
		return []string{p.Config.OperatorChart}
	}
	v := p.Config.OperatorVersion
	return []string{fmt.Sprintf(OperatorChartRepo, v), fmt.Sprintf(OperatorChartArchive, v)}
}

// GeneratorRate is each generator's events per second, the tier's rate shared evenly.
func (p *Plan) GeneratorRate() float64 {
	return float64(p.Tier.EventsPerSecond()) / float64(p.Tier.Generators)
}

// GeneratorBinary is the streamscale binary's path in the generator image.
const GeneratorBinary = "/streamscale"

// GeneratorCommand is generator i's command line (of Tier.Generators): its share of the
// tier's rate, for Config.LoadDuration. The connection string reaches it as the secure
// environment variable kafkaconn.EnvConnectionString, never on this line.
func (p *Plan) GeneratorCommand(i int) []string {
	// Each device of the complex job's load alternates TEMP and CO2 readings, so the HighCO2
	// tags can fire too.
	load := generate.Config{Rate: p.GeneratorRate(), Duration: p.Config.LoadDuration, MixedTypes: p.Config.Job == relay.JobComplex}
	return LoadCommand(load, i, p.Tier.Generators, false)
}

// LoadCommand is generator i of n's command line for one generator's load cfg: its rate,
// duration or count, devices, types, quiet devices, `--instance i --instances n` and, with
// report, its duplicates and --json so its summary can be read back from its output (`azure
// run`). Zero settings are left off. No secret is on it: the one generator command line of
// `azure up` and `azure run`.
func LoadCommand(cfg generate.Config, i, n int, report bool) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	cmd := []string{GeneratorBinary, "generate", "--topic", HubIn,
		"--rate", f(cfg.Rate), "--instance", strconv.Itoa(i), "--instances", strconv.Itoa(n)}
	if cfg.Count > 0 {
		cmd = append(cmd, "--count", strconv.FormatInt(cfg.Count, 10))
	} else {
		cmd = append(cmd, "--duration", cfg.Duration.String())
	}
	if cfg.Devices > 0 {
		cmd = append(cmd, "--devices", strconv.Itoa(cfg.Devices))
	}
	if cfg.Seed != 0 {
		cmd = append(cmd, "--seed", strconv.FormatInt(cfg.Seed, 10))
	}
	if cfg.Ramp > 0 {
		cmd = append(cmd, "--ramp", cfg.Ramp.String())
	}
	if cfg.DeviceIDPrefix != "" {
		cmd = append(cmd, "--device-prefix", cfg.DeviceIDPrefix)
	}
	if cfg.MixedTypes {
		cmd = append(cmd, "--mixed-types")
	}
	if cfg.QuietDevices > 0 {
		cmd = append(cmd, "--quiet-devices", f(cfg.QuietDevices))
	}
	if report {
		cmd = append(cmd, "--duplicate-fraction", f(cfg.DuplicateFraction), "--json")
	}
	return cmd
}
