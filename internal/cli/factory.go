package cli

import (
	"io"
	"os"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
)

// IOStreams are the standard streams a command uses.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Factory hands commands their dependencies, as cli/cli's cmdutil.Factory does: the streams,
// the environment, and the clients, built on demand from each command's connection flags
// (pipeline.Connection's KafkaConn and FlinkClient) unless set here.
type Factory struct {
	IO IOStreams
	// Getenv reads the environment (os.Getenv by default; tests substitute a map).
	Getenv func(string) string
	// Kafka, when set, is the Kafka connection of every command, in place of the one its
	// connection flags resolve to (a test's broker; a connection made elsewhere). It is called
	// only when a command needs Kafka.
	Kafka func() (kafkaconn.Conn, error)
	// Flink, when set, is the Flink REST client of every command, in place of the one its
	// --flink-url, STREAMSCALE_FLINK_URL or local stack point at. It is called only when a
	// command needs Flink.
	Flink func() (*flink.Client, error)
	// Azure builds the Azure commands' clients lazily (tests put the SDK's fakes in it).
	Azure *azclient.Clients
}

// NewFactory returns a Factory on the process's real streams and environment, whose clients
// come from each command's flags.
func NewFactory() *Factory {
	return &Factory{IO: IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}, Getenv: os.Getenv, Azure: azclient.New()}
}

// newConn is a command's connection, for its flags to bind to (pipeline.Connection): the local
// stack by default, with f's environment and, when set, f's Kafka and Flink.
func (f *Factory) newConn() *pipeline.Connection {
	c := pipeline.NewConnection(f.Getenv)
	c.Kafka, c.Flink = f.Kafka, f.Flink
	return c
}
