package deploy

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// kubeconfigGetter hands Helm the AKS cluster's clients from its kubeconfig, held in memory
// (it is never written to disk).
type kubeconfigGetter struct{ raw []byte }

func (g kubeconfigGetter) ToRESTConfig() (*rest.Config, error) {
	return clientcmd.RESTConfigFromKubeConfig(g.raw)
}

func (g kubeconfigGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	cfg, err := g.ToRESTConfig()
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return memory.NewMemCacheClient(dc), nil
}

func (g kubeconfigGetter) ToRESTMapper() (meta.RESTMapper, error) {
	dc, err := g.ToDiscoveryClient()
	if err != nil {
		return nil, err
	}
	return restmapper.NewDeferredDiscoveryRESTMapper(dc), nil
}

func (g kubeconfigGetter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	cc, err := clientcmd.NewClientConfigFromBytes(g.raw)
	if err != nil {
		return clientcmd.NewDefaultClientConfig(*clientcmdapiEmpty(), nil)
	}
	return cc
}

func clientcmdapiEmpty() *clientcmdapi.Config { return clientcmdapi.NewConfig() }
