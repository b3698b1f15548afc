package cli

import (
	"io"
	"os"

	"github.com/streamscale/streamscale/internal/azure/azclient"
)

// IOStreams are the standard streams a command uses.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Factory hands commands their dependencies.
type Factory struct {
	IO IOStreams
	// Getenv reads the environment (os.Getenv by default; tests substitute a map).
	Getenv func(string) string
	// Azure builds the Azure commands' clients lazily (tests put the SDK's fakes in it).
	Azure *azclient.Clients
}

// NewFactory returns a Factory on the process's real streams and environment.
func NewFactory() *Factory {
	return &Factory{IO: IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}, Getenv: os.Getenv, Azure: azclient.New()}
}
