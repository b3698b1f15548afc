package manifest

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pluginJarVersions are the flink-azure-fs-hadoop releases on Maven Central around the Flink
// the job image runs (2.2.1, whose plugin Central does not serve): jvm/azure-fs-check fetches
// them (`make build-jvm`).
var pluginJarVersions = []string{"2.0.0", "2.3.0"}

func pluginJar(t *testing.T, version string) *zip.ReadCloser {
	t.Helper()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(home, ".m2", "repository", "org", "apache", "flink", "flink-azure-fs-hadoop", version,
		"flink-azure-fs-hadoop-"+version+".jar")
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("the Azure file system plugin jar: %v (fetch it with `make build-jvm`, or `mvn dependency:get -Dartifact=org.apache.flink:flink-azure-fs-hadoop:%s`)", err, version)
	}
	t.Cleanup(func() { _ = z.Close() })
	return z
}

func readEntry(t *testing.T, z *zip.ReadCloser, name string) []byte {
	t.Helper()
	f, err := z.Open(name)
	if err != nil {
		t.Fatalf("%s not in the plugin jar: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPluginJarHasTheTokenProvider opens the real plugin jars: the token provider class our
// FlinkDeployment names is inside under that name (not relocated), the configuration keys
// we set are Hadoop's own (in its ConfigurationKeys), and the Hadoop it shades is 3.3.x,
// which has no WorkloadIdentityTokenProvider (why the pods get the IMDS proxy sidecar).
func TestPluginJarHasTheTokenProvider(t *testing.T) {
	p := testPlan(t, 5)
	conf := Build(p, Inputs{FlinkIdentityClientID: "cid"}).FlinkDeployment.Spec.FlinkConfiguration
	account := "." + p.Names.StorageAccount + ".dfs.core.windows.net"
	provider := conf["fs.azure.account.oauth.provider.type"+account]
	if provider == "" {
		t.Fatal("no ABFS token provider in the Flink configuration")
	}
	for _, version := range pluginJarVersions {
		t.Run(version, func(t *testing.T) {
			z := pluginJar(t, version)
			readEntry(t, z, strings.ReplaceAll(provider, ".", "/")+".class")
			ck := readEntry(t, z, "org/apache/hadoop/fs/azurebfs/constants/ConfigurationKeys.class")
			for k := range conf {
				if !strings.HasPrefix(k, "fs.azure.") {
					continue
				}
				key := strings.TrimSuffix(k, account)
				if key == k {
					t.Errorf("key %s is not scoped to the account %s", k, account)
				}
				if !bytes.Contains(ck, []byte(key)) {
					t.Errorf("key %s is not one of the plugin's Hadoop ConfigurationKeys", key)
				}
			}
			info := string(readEntry(t, z, "common-version-info.properties"))
			if !strings.Contains(info, "\nversion=3.3.") {
				t.Errorf("the plugin shades another Hadoop than 3.3.x (re-check docs/azure.md, \"Storage access\"):\n%s", info)
			}
		})
	}
}
