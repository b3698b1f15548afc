package cli

import (
	"github.com/streamscale/streamscale/internal/azure/azclient"

	"bytes"
	"crypto/md5" //nolint:gosec // the fake keeps Blob storage's Content-MD5 checksum.
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
)

const fakeFlowKey = "ZmFrZS1zaGFyZWQta2V5LWZvci10ZXN0cw=="

// fakeARM is a small in-memory Azure for the whole `azure up --platform hdinsight`: every
// ARM resource is a JSON document at its path (GET: 404 until a PUT made it; a PUT answers
// done at once), listKeys answers a connection string, and *.blob.core.windows.net keeps
// blobs (Put Blob, Get Blob Properties). It logs every create and upload in order.
type fakeARM struct {
	mu      sync.Mutex
	docs    map[string][]byte
	blobs   map[string][]byte
	creates []string
}

func (f *fakeARM) Do(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := func(status int, h http.Header, body []byte) (*http.Response, error) {
		if h == nil {
			h = http.Header{}
		}
		h.Set("Content-Type", "application/json")
		return &http.Response{StatusCode: status, Status: strconv.Itoa(status) + " " + http.StatusText(status), Header: h,
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
	}
	notFound := func(code string) (*http.Response, error) {
		h := http.Header{"X-Ms-Error-Code": {code}}
		return resp(http.StatusNotFound, h, []byte(`{"error":{"code":"`+code+`","message":"not found"}}`))
	}
	path := strings.ToLower(req.URL.Path)
	if strings.HasSuffix(req.URL.Host, ".blob.core.windows.net") {
		key := req.URL.Host + req.URL.Path
		switch req.Method {
		case http.MethodHead:
			data, ok := f.blobs[key]
			if !ok {
				return notFound("BlobNotFound")
			}
			sum := md5.Sum(data) //nolint:gosec // see the import.
			return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Request: req, Body: http.NoBody,
				Header: http.Header{"Content-Length": {strconv.Itoa(len(data))}, "Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}}, nil
		case http.MethodPut:
			data, _ := io.ReadAll(req.Body)
			f.blobs[key] = data
			f.creates = append(f.creates, "blob "+key)
			return resp(http.StatusCreated, nil, nil)
		case http.MethodPost:
			if req.URL.Query().Get("comp") == "userdelegationkey" {
				return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Request: req, Header: http.Header{"Content-Type": {"application/xml"}},
					Body: io.NopCloser(strings.NewReader(`<?xml version="1.0" encoding="utf-8"?><UserDelegationKey><SignedOid>o</SignedOid><SignedTid>t</SignedTid>` +
						`<SignedStart>2026-12-07T10:00:00Z</SignedStart><SignedExpiry>2026-12-07T13:05:00Z</SignedExpiry><SignedService>b</SignedService>` +
						`<SignedVersion>2021-08-06</SignedVersion><Value>MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=</Value></UserDelegationKey>`))}, nil
			}
		}
		return resp(http.StatusMethodNotAllowed, nil, nil)
	}
	switch {
	case req.Method == http.MethodPost && strings.HasSuffix(path, "/listkeys"):
		rule := path[strings.LastIndex(strings.TrimSuffix(path, "/listkeys"), "/")+1 : len(path)-len("/listkeys")]
		body, _ := json.Marshal(map[string]string{"primaryConnectionString": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=" + rule + ";SharedAccessKey=" + fakeFlowKey})
		return resp(http.StatusOK, nil, body)
	case req.Method == http.MethodGet:
		doc, ok := f.docs[path]
		if !ok {
			return notFound("ResourceNotFound")
		}
		return resp(http.StatusOK, nil, doc)
	case req.Method == http.MethodPut:
		var doc map[string]any
		if req.Body != nil {
			b, _ := io.ReadAll(req.Body)
			_ = json.Unmarshal(b, &doc)
		}
		if doc == nil {
			doc = map[string]any{}
		}
		props, _ := doc["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
		}
		props["provisioningState"], props["principalId"] = "Succeeded", "33333333-3333-3333-3333-333333333333"
		doc["properties"], doc["id"], doc["name"] = props, req.URL.Path, path[strings.LastIndex(path, "/")+1:]
		b, _ := json.Marshal(doc)
		f.docs[path] = b
		f.creates = append(f.creates, "put "+path)
		return resp(http.StatusOK, nil, b)
	}
	return resp(http.StatusMethodNotAllowed, nil, nil)
}

func (f *fakeARM) deps() *azclient.Clients {
	return &azclient.Clients{
		NewCredential: func() (azcore.TokenCredential, error) { return &azfake.TokenCredential{}, nil },
		ARMOptions:    &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: f, Retry: policy.RetryOptions{MaxRetries: -1}}},
		BlobOptions:   &azblob.ClientOptions{ClientOptions: policy.ClientOptions{Transport: f, Retry: policy.RetryOptions{MaxRetries: -1}}},
	}
}

func (f *fakeARM) index(prefix, contains string) int {
	for i, c := range f.creates {
		if strings.HasPrefix(c, prefix) && strings.Contains(c, contains) {
			return i
		}
	}
	return -1
}

func TestAzureUpHDInsightFlow_FakeAzure(t *testing.T) {
	jar := filepath.Join(t.TempDir(), "relay-job.jar")
	if err := os.WriteFile(jar, []byte("relay jar"), 0o600); err != nil {
		t.Fatal(err)
	}
	fa := &fakeARM{docs: map[string][]byte{}, blobs: map[string][]byte{}}
	args := []string{"--platform", "hdinsight", "--tier", "1", "--resource-group", "rg", "--location", "westeurope",
		"--subscription", "sub", "--job-jar", jar, "--skip-checks"} // azure check: azure_check_test.go
	f, out, _ := testFactory()
	if err := execute(newAzureUpCmd(withAzure(f, fa.deps()), nil), args...); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	// In order: the resource group first, the Event Hubs namespaces and the storage account
	// before the HDInsight steps, the uploads before the cluster, the cluster last.
	order := []int{
		fa.index("put ", "/resourcegroups/rg"),
		fa.index("put ", "/microsoft.eventhub/namespaces/"),
		fa.index("put ", "/microsoft.storage/storageaccounts/"),
		fa.index("put ", "/microsoft.managedidentity/"),
		fa.index("put ", "/microsoft.authorization/roleassignments/"),
		fa.index("put ", "/blobservices/default/containers/hdinsight"),
		fa.index("blob ", "/hdinsight/streamscale/streamscale-hdinsight-flink.sh"),
		fa.index("blob ", "/hdinsight/streamscale/relay-job.jar"),
		fa.index("put ", "/microsoft.hdinsight/clusters/"),
	}
	for i := range order {
		if order[i] < 0 || (i > 0 && order[i] < order[i-1]) {
			t.Fatalf("step %d out of order (%v) in:\n%s", i, order, strings.Join(fa.creates, "\n"))
		}
	}
	if order[len(order)-1] != len(fa.creates)-1 {
		t.Errorf("the cluster is not the last create:\n%s", strings.Join(fa.creates, "\n"))
	}
	if fa.index("put ", "/microsoft.containerservice/") >= 0 || fa.index("put ", "/microsoft.containerregistry/") >= 0 {
		t.Errorf("the HDInsight path created AKS resources:\n%s", strings.Join(fa.creates, "\n"))
	}
	var cluster struct {
		Properties struct {
			ComputeProfile struct {
				Roles []struct {
					OSProfile struct {
						Linux struct {
							Password string `json:"password"`
						} `json:"linuxOperatingSystemProfile"`
					} `json:"osProfile"`
				} `json:"roles"`
			} `json:"computeProfile"`
		} `json:"properties"`
	}
	for p, doc := range fa.docs {
		if strings.Contains(p, "/microsoft.hdinsight/clusters/") {
			_ = json.Unmarshal(doc, &cluster)
		}
	}
	if r := cluster.Properties.ComputeProfile.Roles; len(r) == 0 || r[0].OSProfile.Linux.Password == "" {
		t.Fatal("the cluster's create request holds no password")
	} else if strings.Contains(out.String(), r[0].OSProfile.Linux.Password) {
		t.Error("the output holds the cluster's password")
	}
	before := len(fa.creates)
	f2, out2, _ := testFactory()
	if err := execute(newAzureUpCmd(withAzure(f2, fa.deps()), nil), args...); err != nil {
		t.Fatal(err)
	}
	if len(fa.creates) != before || !strings.Contains(out2.String(), "up: 0 created") {
		t.Errorf("second up created %v:\n%s", fa.creates[before:], out2.String())
	}
	for _, o := range []string{out.String(), out2.String()} {
		if strings.Contains(o, fakeFlowKey) || strings.Contains(o, "SharedAccessKey=") {
			t.Error("a connection string reached the output")
		}
	}
}
