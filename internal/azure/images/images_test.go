package images

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// inMemoryRegistry is go-containerregistry's in-memory registry behind httptest, counting
// the uploads (PUTs) it receives.
func inMemoryRegistry(t *testing.T) (host string, puts func() int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	reg := registry.New()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			mu.Lock()
			n++
			mu.Unlock()
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// files lists a layer's files with their modes.
func files(t *testing.T, l v1.Layer) map[string]*tar.Header {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := map[string]*tar.Header{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out["/"+strings.TrimSuffix(h.Name, "/")] = h
	}
}

var (
	fakeELF = append([]byte{0x7f, 'E', 'L', 'F'}, make([]byte, 64)...)
	fakeCA  = []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	fakeJar = append([]byte("PK\x03\x04"), make([]byte, 64)...)
)

func TestGeneratorImage_InMemoryRegistry(t *testing.T) {
	host, puts := inMemoryRegistry(t)
	img, err := Generator(fakeELF, fakeCA)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Generator(fakeELF, fakeCA)
	d1, _ := img.Digest()
	d2, _ := again.Digest()
	if d1 != d2 {
		t.Errorf("same inputs, digests %s and %s", d1, d2)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != "amd64" || cf.Config.Entrypoint[0] != "/streamscale" || cf.Config.User == "0" || cf.Config.User == "" {
		t.Errorf("config %+v", cf.Config)
	}
	layers, _ := img.Layers()
	if len(layers) != 1 {
		t.Fatalf("%d layers", len(layers))
	}
	fs := files(t, layers[0])
	if h := fs["/streamscale"]; h == nil || h.Mode != 0o755 {
		t.Errorf("binary %+v", h)
	}
	if fs["/etc/ssl/certs/ca-certificates.crt"] == nil {
		t.Errorf("no CA bundle")
	}
	ref := host + "/streamscale-generator:test"
	ctx := context.Background()
	if pushed, err := Push(ctx, ref, img); err != nil || !pushed {
		t.Fatalf("first push: %v %v", pushed, err)
	}
	n := puts()
	if pushed, err := Push(ctx, ref, again); err != nil || pushed || puts() != n {
		t.Errorf("second push of the same image: pushed %v, %d more uploads, %v", pushed, puts()-n, err)
	}
	got, err := Pull(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := got.Digest(); d != d1 {
		t.Errorf("pulled %s, pushed %s", d, d1)
	}
}

func TestJobImageIsTheBasePlusTheJar_InMemoryRegistry(t *testing.T) {
	host, puts := inMemoryRegistry(t)
	ctx := context.Background()
	// A synthetic stand-in for the official Flink image, pushed to the in-memory registry:
	// the real one cannot be pulled here.
	base, err := random.Image(256, 3)
	if err != nil {
		t.Fatal(err)
	}
	baseRef := host + "/flink:2.2.1-java17"
	if err := remote.Write(mustRef(t, baseRef), base); err != nil {
		t.Fatal(err)
	}
	pulled, err := Pull(ctx, baseRef)
	if err != nil {
		t.Fatal(err)
	}
	img, err := Job(pulled, fakeJar, "/opt/flink/usrlib/relay-job.jar")
	if err != nil {
		t.Fatal(err)
	}
	baseLayers, _ := base.Layers()
	layers, _ := img.Layers()
	if len(layers) != len(baseLayers)+1 {
		t.Fatalf("%d layers, base has %d", len(layers), len(baseLayers))
	}
	for i, l := range baseLayers {
		a, _ := l.Digest()
		b, _ := layers[i].Digest()
		if a != b {
			t.Errorf("layer %d changed", i)
		}
	}
	jar := files(t, layers[len(layers)-1])["/opt/flink/usrlib/relay-job.jar"]
	if jar == nil || jar.Uid != 9999 || jar.Size != int64(len(fakeJar)) {
		t.Errorf("jar %+v", jar)
	}
	ref := host + "/streamscale-job:test"
	if pushed, err := Push(ctx, ref, img); err != nil || !pushed {
		t.Fatalf("push: %v %v", pushed, err)
	}
	n := puts()
	rebuilt, _ := Job(pulled, fakeJar, "/opt/flink/usrlib/relay-job.jar")
	if pushed, err := Push(ctx, ref, rebuilt); err != nil || pushed || puts() != n {
		t.Errorf("re-push: pushed %v, %d uploads, %v", pushed, puts()-n, err)
	}
	changed, _ := Job(pulled, append(append([]byte{}, fakeJar...), 1), "/opt/flink/usrlib/relay-job.jar")
	if pushed, err := Push(ctx, ref, changed); err != nil || !pushed {
		t.Errorf("a changed jar was not pushed: %v %v", pushed, err)
	}
}

func TestBadInputs(t *testing.T) {
	if _, err := Generator([]byte("#!/bin/sh"), fakeCA); err == nil || !strings.Contains(err.Error(), "GOOS=linux") {
		t.Errorf("script as binary: %v", err)
	}
	if _, err := Generator(fakeELF, []byte("nothing")); err == nil || !strings.Contains(err.Error(), "CA bundle") {
		t.Errorf("empty CA: %v", err)
	}
	base, _ := random.Image(16, 1)
	if _, err := Job(base, []byte("nope"), "/x.jar"); err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("bad jar: %v", err)
	}
}

type staticCred struct{}

func (staticCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "entra-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestACRAuthExchangesTheToken_StubServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/exchange" || r.FormValue("grant_type") != "access_token" || r.FormValue("access_token") != "entra-token" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		io.WriteString(w, `{"refresh_token":"acr-refresh"}`)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	auth, err := ACRAuth(context.Background(), srv.Client(), "http", host, staticCred{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := auth.Authorization()
	if err != nil || cfg.Password != "acr-refresh" || cfg.Username != acrUser {
		t.Errorf("auth %+v %v", cfg, err)
	}
	if _, err := ACRAuth(context.Background(), srv.Client(), "http", host+"x", staticCred{}); err == nil {
		t.Errorf("no error for an unreachable registry")
	}
}
