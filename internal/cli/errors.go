package cli

import "errors"

// ErrSilent ends a command with a non-zero exit without printing anything more: the command
// has already said what went wrong (e.g. a failed verification table).
var ErrSilent = errors.New("silent failure")

// FlagError is a wrong or missing flag; main prints the usage hint after it.
type FlagError struct{ Err error }

// Error implements error.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the flag problem itself.
func (e *FlagError) Unwrap() error { return e.Err }

func flagErrorf(err error) error { return &FlagError{Err: err} }
