package flink

import (
	"encoding/json"
	"fmt"
	"strings"
)

// APIError is a non-2xx answer of the REST API with Flink's error messages.
type APIError struct {
	Status   int
	Method   string
	Path     string
	Messages []string
}

// Error is one line: the request, the status, the first line of Flink's first message and,
// when Flink sent a Java stack trace, its root cause (the last "Caused by:").
func (e *APIError) Error() string {
	msg := ""
	if len(e.Messages) > 0 {
		msg = ": " + firstLine(e.Messages[0])
		if root := RootCause(strings.Join(e.Messages, "\n")); root != "" && root != firstLine(e.Messages[0]) {
			msg += "; caused by " + root
		}
	}
	return fmt.Sprintf("flink %s %s: HTTP %d%s", e.Method, e.Path, e.Status, msg)
}

// RootCause returns the last "Caused by:" line of a Java stack trace without the prefix, or
// the trace's first line when it has none.
func RootCause(trace string) string {
	root := ""
	for _, l := range strings.Split(trace, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "Caused by: "); ok {
			root = rest
		}
	}
	if root == "" {
		return firstLine(trace)
	}
	return root
}

func newAPIError(status int, method, path string, body []byte) *APIError {
	e := &APIError{Status: status, Method: method, Path: path}
	var eb struct {
		Errors []string `json:"errors"`
	}
	if json.Unmarshal(body, &eb) == nil && len(eb.Errors) > 0 {
		e.Messages = eb.Errors
	} else if s := strings.TrimSpace(string(body)); s != "" {
		e.Messages = []string{s}
	}
	return e
}

// firstLine returns the first non-empty line of s, trimmed; Java's "Caused by" chains and
// stack frames follow on later lines.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
