package bench

import (
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/local"
)

// Tools locate Kafka's own perf tools, the baselines of bench relay, producer and compare: a
// JDK and the local runtime's Kafka classpath. The benches share their flags (bench soak too,
// for the runtime of the local stack it starts).
type Tools struct {
	// RuntimeDir holds the Maven-built kafka/ classpath (--runtime-dir).
	RuntimeDir string
	// JavaHome is the JDK that runs the tools (--java-home; "": $JAVA_HOME, then java on PATH).
	JavaHome string
}

// AddFlags registers --runtime-dir and --java-home.
func (t *Tools) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&t.RuntimeDir, "runtime-dir", local.DefaultRuntimeDir(), "directory with the Maven-built kafka/ classpath")
	fs.StringVar(&t.JavaHome, "java-home", "", "JDK for Kafka's perf tool (default $JAVA_HOME, then java on PATH)")
}

// Resolve returns the java binary and the Kafka classpath.
func (t Tools) Resolve() (java, classpath string, err error) {
	java, _, err = local.FindJava(t.JavaHome)
	return java, filepath.Join(t.RuntimeDir, "kafka", "*"), err
}
