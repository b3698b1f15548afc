package provision

import "fmt"

// Secret is a connection string or key: it prints as [redacted] through fmt, so it never
// reaches a log, an error or a plan by accident. Reveal gives the value to the code that
// hands it on (a Kubernetes Secret, a secure environment variable).
type Secret struct{ v string }

// NewSecret wraps a value.
func NewSecret(v string) Secret { return Secret{v} }

// Reveal is the value.
func (s Secret) Reveal() string { return s.v }

// IsZero says whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

// String implements fmt.Stringer.
func (s Secret) String() string { return "[redacted]" }

// GoString implements fmt.GoStringer, for %#v.
func (s Secret) GoString() string { return "[redacted]" }

// Format implements fmt.Formatter, so no verb prints the value.
func (s Secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, "[redacted]") }
