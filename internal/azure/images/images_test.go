package images

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
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
	// fakeELF is the smallest static linux/amd64 executable debug/elf reads: an ELF header
	// with no program headers (so no interpreter) and no sections (so no dynamic section).
	fakeELF = minimalELF()
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
	repo := host + "/streamscale-generator"
	ctx := context.Background()
	if pushed, err := Push(ctx, repo, img); err != nil || !pushed {
		t.Fatalf("first push: %v %v", pushed, err)
	}
	n := puts()
	if pushed, err := Push(ctx, repo, again); err != nil || pushed || puts() != n {
		t.Errorf("second push of the same image: pushed %v, %d more uploads, %v", pushed, puts()-n, err)
	}
	got, err := Pull(ctx, repo+":"+d1.Hex[:16])
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
	// The layer's entry for /opt/flink replaces the base's: it must stay the flink user's
	// (the Dockerfile's chown -R flink:flink in /opt/flink), as the entrypoint writes there.
	if dir := files(t, layers[len(layers)-1])["/opt/flink"]; dir == nil || dir.Uid != 9999 || dir.Mode != 0o755 {
		t.Errorf("/opt/flink %+v", dir)
	}
	repo := host + "/streamscale-job"
	if pushed, err := Push(ctx, repo, img); err != nil || !pushed {
		t.Fatalf("push: %v %v", pushed, err)
	}
	n := puts()
	rebuilt, _ := Job(pulled, fakeJar, "/opt/flink/usrlib/relay-job.jar")
	if pushed, err := Push(ctx, repo, rebuilt); err != nil || pushed || puts() != n {
		t.Errorf("re-push: pushed %v, %d uploads, %v", pushed, puts()-n, err)
	}
	changed, _ := Job(pulled, append(append([]byte{}, fakeJar...), 1), "/opt/flink/usrlib/relay-job.jar")
	if pushed, err := Push(ctx, repo, changed); err != nil || !pushed {
		t.Errorf("a changed jar was not pushed: %v %v", pushed, err)
	}
	d1, _ := img.Digest()
	d2, _ := changed.Digest()
	if d1 == d2 {
		t.Errorf("a changed jar kept the digest %s", d1)
	}
	// Both are in the registry under their own content tags: the first is still there.
	for _, d := range []v1.Hash{d1, d2} {
		if got, err := Pull(ctx, repo+":"+d.Hex[:16]); err != nil {
			t.Errorf("pull %s: %v", d, err)
		} else if g, _ := got.Digest(); g != d {
			t.Errorf("tag %s names %s", d.Hex[:16], g)
		}
	}
}

// TestPushRefusesToMoveAContentTag_InMemoryRegistry: a content tag that names another image
// (only a hand-made tag can) is refused, never overwritten.
func TestPushRefusesToMoveAContentTag_InMemoryRegistry(t *testing.T) {
	host, _ := inMemoryRegistry(t)
	img, _ := Generator(fakeELF, fakeCA)
	d, _ := img.Digest()
	other, _ := random.Image(64, 1)
	if err := remote.Write(mustRef(t, host+"/streamscale-generator:"+d.Hex[:16]), other); err != nil {
		t.Fatal(err)
	}
	if _, err := Push(context.Background(), host+"/streamscale-generator", img); err == nil || !strings.Contains(err.Error(), "names another image") {
		t.Errorf("moved a content tag: %v", err)
	}
}

func TestBadInputs(t *testing.T) {
	if _, err := Generator([]byte("#!/bin/sh"), fakeCA); err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("script as binary: %v", err)
	}
	arm := minimalELF()
	arm[18] = byte(elf.EM_AARCH64)
	if _, err := Generator(arm, fakeCA); err == nil || !strings.Contains(err.Error(), "not linux/amd64") {
		t.Errorf("arm64 binary: %v", err)
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

// minimalELF is an ELF64 little-endian x86-64 executable header and nothing else.
func minimalELF() []byte {
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT), Ehsize: 64}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS], h.Ident[elf.EI_DATA], h.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	var b bytes.Buffer
	if err := binary.Write(&b, binary.LittleEndian, h); err != nil {
		panic(err)
	}
	return b.Bytes()
}
