package local

import (
	"encoding/xml"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/streamscale/streamscale/internal/flinkconf"
)

// Flink hosts: where `local up` runs the Flink session cluster.
const (
	// FlinkStandalone runs the JobManager and TaskManagers as JVMs of their own (the default).
	FlinkStandalone = "standalone"
	// FlinkOnYarn runs a single-node YARN cluster and the Flink session as a YARN application.
	FlinkOnYarn = "yarn"
)

// YarnConfig describes the local single-node YARN cluster (--flink-on yarn).
type YarnConfig struct {
	// RMPort is the ResourceManager's client RPC port (yarn.resourcemanager.address, 8032).
	RMPort int
	// RMSchedulerPort is where ApplicationMasters ask for containers (8030).
	RMSchedulerPort int
	// RMTrackerPort is where NodeManagers register and heartbeat (8031).
	RMTrackerPort int
	// RMAdminPort is the ResourceManager's admin RPC port (8033).
	RMAdminPort int
	// RMWebPort serves the ResourceManager's web UI and REST API (8088).
	RMWebPort int
	// NMWebPort serves the NodeManager's web UI and REST API (8042).
	NMWebPort int
	// NMLocalizerPort is the NodeManager's resource localizer (8040).
	NMLocalizerPort int
	// NMMemoryMB is the memory the NodeManager offers to containers (6144).
	NMMemoryMB int
	// NMVcores is the virtual cores the NodeManager offers (8; YARN's default scheduler counts
	// memory only, so this only bounds how many containers' vcores are promised).
	NMVcores int
	// RMHeapMB and NMHeapMB are the two daemons' JVM heaps (384 and 256).
	RMHeapMB int
	NMHeapMB int
}

// DefaultYarnConfig returns YARN's usual ports and sizes for this kind of machine: the
// NodeManager offers 6 GiB, room for the JobManager (1 GiB), the TaskManagers (1.5 GiB each)
// and a replacement TaskManager while a lost one is released.
func DefaultYarnConfig() YarnConfig {
	return YarnConfig{
		RMPort: 8032, RMSchedulerPort: 8030, RMTrackerPort: 8031, RMAdminPort: 8033, RMWebPort: 8088,
		NMWebPort: 8042, NMLocalizerPort: 8040, NMMemoryMB: 6144, NMVcores: 8, RMHeapMB: 384, NMHeapMB: 256,
	}
}

// ports lists the YARN ports with their flags, for validation and the free-port check.
func (y YarnConfig) ports() []namedPort {
	return []namedPort{
		{"yarn-rm-port", "the YARN ResourceManager", y.RMPort},
		{"yarn-rm-scheduler-port", "the YARN ResourceManager scheduler", y.RMSchedulerPort},
		{"yarn-rm-tracker-port", "the YARN ResourceManager tracker", y.RMTrackerPort},
		{"yarn-rm-admin-port", "the YARN ResourceManager admin", y.RMAdminPort},
		{"yarn-rm-web-port", "the YARN ResourceManager web UI", y.RMWebPort},
		{"yarn-nm-web-port", "the YARN NodeManager web UI", y.NMWebPort},
		{"yarn-nm-localizer-port", "the YARN NodeManager localizer", y.NMLocalizerPort},
	}
}

type namedPort struct {
	flag, what string
	port       int
}

// RMURL is the ResourceManager's web address (REST API under /ws/v1/cluster).
func (y YarnConfig) RMURL() string { return fmt.Sprintf("http://127.0.0.1:%d", y.RMWebPort) }

// NMURL is the NodeManager's web address (REST API under /ws/v1/node).
func (y YarnConfig) NMURL() string { return fmt.Sprintf("http://127.0.0.1:%d", y.NMWebPort) }

// hadoopProperty is one <property> of a Hadoop *-site.xml file.
type hadoopProperty struct {
	Name  string `xml:"name"`
	Value string `xml:"value"`
}

// hadoopXML renders a Hadoop configuration file, properties sorted by name.
func hadoopXML(props map[string]string) string {
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	doc := struct {
		XMLName    xml.Name         `xml:"configuration"`
		Properties []hadoopProperty `xml:"property"`
	}{}
	for _, n := range names {
		doc.Properties = append(doc.Properties, hadoopProperty{Name: n, Value: props[n]})
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil { // strings only: cannot fail
		panic(err)
	}
	return xml.Header + "<!-- Written by streamscale local up; changes are overwritten on the next start. -->\n" + string(b) + "\n"
}

// coreSiteXML is core-site.xml: the local file system as the default file system (one node,
// no HDFS), Hadoop's temp dir in the stack's home.
func coreSiteXML(l layout) string {
	return hadoopXML(map[string]string{
		"fs.defaultFS":   "file:///",
		"hadoop.tmp.dir": l.yarnTmp(),
	})
}

// yarnSiteXML is yarn-site.xml of the single-node cluster on 127.0.0.1.
func yarnSiteXML(c Config, l layout) string {
	y := c.Yarn
	addr := func(p int) string { return fmt.Sprintf("127.0.0.1:%d", p) }
	return hadoopXML(map[string]string{
		"yarn.resourcemanager.hostname":                 "127.0.0.1",
		"yarn.resourcemanager.address":                  addr(y.RMPort),
		"yarn.resourcemanager.scheduler.address":        addr(y.RMSchedulerPort),
		"yarn.resourcemanager.resource-tracker.address": addr(y.RMTrackerPort),
		"yarn.resourcemanager.admin.address":            addr(y.RMAdminPort),
		"yarn.resourcemanager.webapp.address":           addr(y.RMWebPort),
		"yarn.nodemanager.hostname":                     "127.0.0.1",
		"yarn.nodemanager.address":                      "127.0.0.1:0",
		"yarn.nodemanager.webapp.address":               addr(y.NMWebPort),
		"yarn.nodemanager.localizer.address":            addr(y.NMLocalizerPort),
		"yarn.nodemanager.resource.memory-mb":           fmt.Sprint(y.NMMemoryMB),
		"yarn.nodemanager.resource.cpu-vcores":          fmt.Sprint(y.NMVcores),
		"yarn.scheduler.minimum-allocation-mb":          "256",
		"yarn.scheduler.maximum-allocation-mb":          fmt.Sprint(y.NMMemoryMB),
		"yarn.scheduler.maximum-allocation-vcores":      fmt.Sprint(y.NMVcores),
		"yarn.nodemanager.local-dirs":                   l.yarnNMLocal(),
		"yarn.nodemanager.log-dirs":                     l.yarnContainerLogs(),
		// Java reserves far more virtual memory than it uses; YARN's 2.1x check would kill
		// every JVM container.
		"yarn.nodemanager.vmem-check-enabled": "false",
		// A nearly full disk marks the only node unhealthy, and nothing runs.
		"yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage": "99.5",
		// Containers see the same Hadoop jars and this configuration as the daemons.
		"yarn.application.classpath":     strings.Join([]string{l.yarnConf(), filepath.Join(c.RuntimeDir, "yarn", "*")}, ","),
		"yarn.nodemanager.env-whitelist": "JAVA_HOME,HADOOP_COMMON_HOME,HADOOP_HDFS_HOME,HADOOP_CONF_DIR,CLASSPATH_PREPEND_DISTCACHE,HADOOP_YARN_HOME,HADOOP_HOME,PATH,LANG,TZ",
		// Stop containers promptly on kill and leave their logs for status and tests.
		"yarn.nodemanager.sleep-delay-before-sigkill.ms":          "2000",
		"yarn.nodemanager.delete.debug-delay-sec":                 "0",
		"yarn.nodemanager.recovery.enabled":                       "false",
		"yarn.resourcemanager.recovery.enabled":                   "false",
		"yarn.timeline-service.enabled":                           "false",
		"yarn.log-aggregation-enable":                             "false",
		"yarn.resourcemanager.nodemanagers.heartbeat-interval-ms": "500",
		"yarn.nodemanager.health-checker.interval-ms":             "10000",
	})
}

// capacitySchedulerXML gives the one queue all of the cluster, and lets ApplicationMasters
// (Flink's JobManager) use up to half of it: YARN's default 10 % of 6 GiB is below one
// JobManager.
func capacitySchedulerXML() string {
	return hadoopXML(map[string]string{
		"yarn.scheduler.capacity.root.queues":                          "default",
		"yarn.scheduler.capacity.root.default.capacity":                "100",
		"yarn.scheduler.capacity.root.default.maximum-capacity":        "100",
		"yarn.scheduler.capacity.maximum-am-resource-percent":          "0.5",
		"yarn.scheduler.capacity.root.default.user-limit-factor":       "1",
		"yarn.scheduler.capacity.root.default.state":                   "RUNNING",
		"yarn.scheduler.capacity.node-locality-delay":                  "-1",
		"yarn.scheduler.capacity.resource-calculator":                  "org.apache.hadoop.yarn.util.resource.DefaultResourceCalculator",
		"yarn.scheduler.capacity.root.default.acl_submit_applications": "*",
	})
}

// hadoopLog4j is the ResourceManager's and NodeManager's log4j 1 (reload4j) configuration: one
// file per daemon, named by -Dyarn.log.file.
func hadoopLog4j() string {
	return `# Written by streamscale local up; changes are overwritten on the next start.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${yarn.log.file}
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=%d{ISO8601} %p %c{2}: %m%n
log4j.logger.org.apache.hadoop.util.NativeCodeLoader=ERROR
log4j.logger.org.apache.hadoop.yarn.server.nodemanager.containermanager.monitor.ContainersMonitorImpl=WARN
`
}

// flinkYarnConfigYAML is the config.yaml of the Flink session that runs as a YARN application
// on the local cluster: the standalone cluster's settings less the addresses and ports YARN
// picks, with the TaskManagers kept up front (slotmanager.number-of-slots.min) so that the
// session is ready for a job as the standalone one is, and a lost TaskManager container is
// replaced by YARN at once.
func flinkYarnConfigYAML(c Config, l layout) string {
	// Flink's Prometheus reporter; on YARN each JVM takes the first free port of the range.
	kv := localFlinkConfig(c, l, fmt.Sprintf("%d-%d", c.FlinkMetricsPort, c.FlinkMetricsPort+FlinkMetricsPortRangeSize-1))
	for k, v := range map[string]string{
		"slotmanager.number-of-slots.min": fmt.Sprint(c.Slots * c.TaskManagers),
		// Each JVM YARN starts carries the stack's marker, so `local down` can tell them apart
		// from any other process and stop one that outlived its NodeManager.
		"env.java.opts.all":                   flinkconf.Quote(strings.Join(append(flinkconf.JavaModuleFlags(), homeMarker(c.Home)), " ")),
		"env.java.opts.jobmanager":            flinkconf.Quote("-Dstreamscale.role=yarn-jobmanager"),
		"env.java.opts.taskmanager":           flinkconf.Quote("-Dstreamscale.role=yarn-taskmanager"),
		"yarn.staging-directory":              flinkconf.Quote("file://" + l.yarnStaging()),
		"yarn.application-attempts":           "2",
		"resourcemanager.taskmanager-timeout": "30s",
	} {
		kv[k] = v
	}
	return kv.YAML("local up")
}
