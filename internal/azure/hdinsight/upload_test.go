package hdinsight

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // the fake checks Blob storage's Content-MD5 checksum.
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/streamscale/streamscale/internal/azure/provision"
)

// The job's connection strings in the tests.
const (
	testJobListen = "Endpoint=sb://in.servicebus.windows.net/;SharedAccessKeyName=job-listen;SharedAccessKey=S3cretIn="
	testJobSend   = "Endpoint=sb://out.servicebus.windows.net/;SharedAccessKeyName=job-send;SharedAccessKey=S3cretOut="
)

// fakeBlobs is an httptest server speaking the part of the Blob REST API the uploads use:
// Put Blob (a single block blob, keeping x-ms-blob-content-md5) and Get Blob Properties
// (HEAD). forbid answers every request 403, as Azure does without a data role.
type fakeBlobs struct {
	mu     sync.Mutex
	blobs  map[string][]byte
	md5s   map[string]string
	puts   []string
	forbid bool
	// keyRequests are the bodies of Get User Delegation Key requests.
	keyRequests []string
}

// fakeDelegationKey is the user delegation key the fake hands out (base64 of 32 bytes).
const fakeDelegationKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

func (f *fakeBlobs) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.forbid {
		w.Header().Set("x-ms-error-code", "AuthorizationPermissionMismatch")
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if !strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ") {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	key := req.URL.Path
	if req.Method == http.MethodPost && req.URL.Query().Get("comp") == "userdelegationkey" && req.URL.Query().Get("restype") == "service" {
		body, _ := io.ReadAll(req.Body)
		f.keyRequests = append(f.keyRequests, string(body))
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><UserDelegationKey><SignedOid>00000000-0000-0000-0000-0000000000aa</SignedOid><SignedTid>00000000-0000-0000-0000-0000000000bb</SignedTid><SignedStart>2026-12-07T10:00:00Z</SignedStart><SignedExpiry>2026-12-07T13:10:00Z</SignedExpiry><SignedService>b</SignedService><SignedVersion>2021-08-06</SignedVersion><Value>`+fakeDelegationKey+`</Value></UserDelegationKey>`)
		return
	}
	switch req.Method {
	case http.MethodHead:
		data, ok := f.blobs[key]
		if !ok {
			w.Header().Set("x-ms-error-code", "BlobNotFound")
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if m := f.md5s[key]; m != "" {
			w.Header().Set("Content-MD5", m)
		}
		w.Header().Set("x-ms-blob-type", "BlockBlob")
		w.WriteHeader(http.StatusOK)
	case http.MethodPut:
		if req.Header.Get("x-ms-blob-type") != "BlockBlob" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		data, err := io.ReadAll(req.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		sum := md5.Sum(data) //nolint:gosec // see the import.
		if m := req.Header.Get("x-ms-blob-content-md5"); m != base64.StdEncoding.EncodeToString(sum[:]) {
			w.Header().Set("x-ms-error-code", "Md5Mismatch")
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		f.blobs[key], f.md5s[key] = data, req.Header.Get("x-ms-blob-content-md5")
		f.puts = append(f.puts, key)
		w.WriteHeader(http.StatusCreated)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// startFakeBlobs serves f over TLS (bearer tokens need https) and returns a client of it.
func startFakeBlobs(t *testing.T, f *fakeBlobs) *azblob.Client {
	t.Helper()
	f.blobs, f.md5s = map[string][]byte{}, map[string]string{}
	srv := httptest.NewTLSServer(f)
	t.Cleanup(srv.Close)
	opts := &azblob.ClientOptions{}
	opts.Transport = srv.Client()
	opts.Retry = policy.RetryOptions{MaxRetries: -1}
	c, err := azblob.NewClient(srv.URL+"/account/", &azfake.TokenCredential{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testJar(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "relay-job.jar")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUploadsThenSkipsWhatMatches_FakeBlobs(t *testing.T) {
	blobs := &fakeBlobs{}
	var out bytes.Buffer
	r := &Runner{Plan: newPlan(t, 5, Spec{}), Out: &out, RelayJar: testJar(t, "jar v1"),
		JobListen: provision.NewSecret(testJobListen), JobSend: provision.NewSecret(testJobSend)}
	r.Clients.Blobs = startFakeBlobs(t, blobs)
	res, err := r.uploads(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	script, jar := "/account/hdinsight/streamscale/"+ScriptBlob, "/account/hdinsight/streamscale/"+RelayJarBlob
	secrets := "/account/hdinsight/streamscale/" + SecretsBlob
	if got := strings.Join(blobs.puts, ","); got != script+","+jar+","+secrets {
		t.Errorf("puts %s, want the script, the jar, the connection strings", got)
	}
	if string(blobs.blobs[script]) != r.Plan.Script() || string(blobs.blobs[jar]) != "jar v1" {
		t.Error("the uploaded contents differ from the script and the jar")
	}
	if got := string(blobs.blobs[secrets]); got != "in="+testJobListen+"\nout="+testJobSend+"\n" {
		t.Errorf("connection strings blob %q", got)
	}
	if strings.Contains(out.String(), "SharedAccessKey") || strings.Contains(r.Plan.Script(), "SharedAccessKey") {
		t.Errorf("a connection string reached the output or the script")
	}
	if got := outcomes(res); got != "uploads created, uploads created, uploads created" {
		t.Errorf("first: %s", got)
	}
	res, err = r.uploads(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); got != "uploads exists, uploads exists, uploads exists" || len(blobs.puts) != 3 {
		t.Errorf("second: %s, %d puts: a matching blob must not be uploaded again", got, len(blobs.puts))
	}
	// A changed jar (same length, other bytes) is uploaded again; the script is not.
	r.RelayJar = testJar(t, "jar v2")
	res, err = r.uploads(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); got != "uploads exists, uploads created, uploads exists" || string(blobs.blobs[jar]) != "jar v2" {
		t.Errorf("changed jar: %s, stored %q", got, blobs.blobs[jar])
	}
}

func TestUploadErrors_FakeBlobs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		jar    func(t *testing.T) string
		forbid bool
		want   string
	}{
		{"no jar", func(*testing.T) string { return "" }, false, "--job-jar"},
		{"missing jar", func(t *testing.T) string { return filepath.Join(t.TempDir(), "none.jar") }, false, "make build"},
		{"no data role", func(t *testing.T) string { return testJar(t, "jar") }, true, "Storage Blob Data Contributor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blobs := &fakeBlobs{forbid: tc.forbid}
			r := &Runner{Plan: newPlan(t, 5, Spec{}), RelayJar: tc.jar(t),
				JobListen: provision.NewSecret(testJobListen), JobSend: provision.NewSecret(testJobSend)}
			r.Plan.Base.Config.Subscription = "sub"
			r.Clients.Blobs = startFakeBlobs(t, blobs)
			_, err := r.uploads(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) || len(blobs.puts) != 0 {
				t.Errorf("err %v, %d puts: want an error naming %q and nothing uploaded", err, len(blobs.puts), tc.want)
			}
		})
	}
}
