package flink

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path"
	"path/filepath"
)

// UploadJar uploads a job jar (multipart field "jarfile", streamed from disk) and returns its
// jar id for RunJar.
func (c *Client) UploadJar(ctx context.Context, jarPath string) (string, error) {
	f, err := os.Open(jarPath)
	if err != nil {
		return "", fmt.Errorf("upload jar: %w", err)
	}
	defer f.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="jarfile"; filename=%q`, filepath.Base(jarPath)))
		h.Set("Content-Type", "application/x-java-archive")
		part, err := mw.CreatePart(h)
		if err == nil {
			_, err = io.Copy(part, f)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	var resp struct {
		Filename string `json:"filename"`
		Status   string `json:"status"`
	}
	if err := c.do(ctx, http.MethodPost, "/jars/upload", pr, mw.FormDataContentType(), &resp); err != nil {
		pr.CloseWithError(err)
		return "", fmt.Errorf("upload jar %s: %w", jarPath, err)
	}
	if resp.Filename == "" {
		return "", fmt.Errorf("upload jar %s: Flink answered without a filename (status %q)", jarPath, resp.Status)
	}
	return path.Base(filepath.ToSlash(resp.Filename)), nil
}

// DeleteJar removes an uploaded jar.
func (c *Client) DeleteJar(ctx context.Context, jarID string) error {
	if err := c.do(ctx, http.MethodDelete, "/jars/"+url.PathEscape(jarID), nil, "", nil); err != nil {
		return fmt.Errorf("delete jar %s: %w", jarID, err)
	}
	return nil
}

// RunRequest is the body of POST /jars/{id}/run; empty fields are left to Flink's defaults.
type RunRequest struct {
	EntryClass            string   `json:"entryClass,omitempty"`
	ProgramArgsList       []string `json:"programArgsList,omitempty"`
	Parallelism           int      `json:"parallelism,omitempty"`
	SavepointPath         string   `json:"savepointPath,omitempty"`
	AllowNonRestoredState bool     `json:"allowNonRestoredState,omitempty"`
}

// RunJar runs an uploaded jar and returns the job id. Errors in the job's main method (a bad
// argument, say) come back as an *APIError whose message is the exception.
func (c *Client) RunJar(ctx context.Context, jarID string, req RunRequest) (string, error) {
	var resp struct {
		JobID string `json:"jobid"`
	}
	if err := c.sendJSON(ctx, http.MethodPost, "/jars/"+url.PathEscape(jarID)+"/run", req, &resp); err != nil {
		return "", fmt.Errorf("run jar %s: %w", jarID, err)
	}
	if resp.JobID == "" {
		return "", fmt.Errorf("run jar %s: Flink answered without a job id", jarID)
	}
	return resp.JobID, nil
}
