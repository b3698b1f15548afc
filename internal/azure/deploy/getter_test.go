package deploy

import "testing"

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: aks
  cluster:
    server: https://aks.example:443
users:
- name: u
  user:
    token: not-a-real-token
contexts:
- name: c
  context: {cluster: aks, user: u}
current-context: c
`

func TestKubeconfigGetterReadsTheAKSKubeconfig(t *testing.T) {
	g := kubeconfigGetter{raw: []byte(kubeconfig)}
	cfg, err := g.ToRESTConfig()
	if err != nil || cfg.Host != "https://aks.example:443" {
		t.Fatalf("config %v %v", cfg, err)
	}
	if _, err := g.ToDiscoveryClient(); err != nil {
		t.Error(err)
	}
	if ns, _, err := g.ToRawKubeConfigLoader().Namespace(); err != nil || ns != "default" {
		t.Errorf("namespace %q %v", ns, err)
	}
	if _, err := (kubeconfigGetter{raw: []byte("not yaml: [")}).ToRESTConfig(); err == nil {
		t.Error("a broken kubeconfig was accepted")
	}
}
