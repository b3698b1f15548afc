// Package cli wires streamscale's subcommands. Each command lives in its own file with an
// options struct, a constructor returning the cobra command and an unexported run function;
// commands write only to the Factory's streams so tests can capture their output.
package cli
