// Package flink is a small client for the Apache Flink 2.x REST API: upload and run jars,
// list jobs, wait for a job's tasks to run (reporting Flink's exception when it fails), and
// cancel. It speaks to the JobManager's REST endpoint, local or remote.
package flink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client talks to one Flink REST endpoint.
type Client struct {
	base *url.URL
	http *http.Client
}

// New returns a client for the REST endpoint at baseURL, e.g. http://127.0.0.1:8081, with a
// 60 s timeout per request (enough for a jar upload on loopback or a LAN).
func New(baseURL string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("flink REST URL %q is not an http(s) URL like http://127.0.0.1:8081", baseURL)
	}
	return &Client{base: u, http: &http.Client{Timeout: 60 * time.Second}}, nil
}

// URL is the endpoint's base URL.
func (c *Client) URL() string { return c.base.String() }

// do sends a request and decodes a JSON response into out (when non-nil). Non-2xx responses
// become *APIError; an unreachable endpoint gets a message that says so.
func (c *Client) do(ctx context.Context, method, path string, body io.Reader, contentType string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var opErr *net.OpError
		if errors.As(err, &opErr) {
			return fmt.Errorf("the Flink REST endpoint at %s is not reachable (is the cluster up? `streamscale local status`): %w", c.base, err)
		}
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("read response of %s %s: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(resp.StatusCode, method, path, b)
	}
	if out == nil || len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode response of %s %s: %w", method, path, err)
	}
	return nil
}

func (c *Client) getJSON(ctx context.Context, path string, out any) error {
	return c.do(ctx, http.MethodGet, path, nil, "", out)
}

func (c *Client) sendJSON(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	return c.do(ctx, method, path, body, "application/json", out)
}
