package provision

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
)

// TestExitCode: a terminated generator container has ended with its code; a stopped group
// has ended too (so the next load deletes it), with its container's code when it has one.
func TestExitCode(t *testing.T) {
	group := func(groupState, state string, code *int32) armcontainerinstance.ContainerGroup {
		p := &armcontainerinstance.ContainerGroupPropertiesProperties{}
		if groupState != "" {
			p.InstanceView = &armcontainerinstance.ContainerGroupPropertiesInstanceView{State: to.Ptr(groupState)}
		}
		if state != "" {
			p.Containers = []*armcontainerinstance.Container{{Name: to.Ptr(generatorContainer), Properties: &armcontainerinstance.ContainerProperties{
				InstanceView: &armcontainerinstance.ContainerPropertiesInstanceView{CurrentState: &armcontainerinstance.ContainerState{State: to.Ptr(state), ExitCode: code}}}}}
		}
		return armcontainerinstance.ContainerGroup{Properties: p}
	}
	for _, tc := range []struct {
		name  string
		g     armcontainerinstance.ContainerGroup
		code  int
		ended bool
	}{
		{"running", group("Running", "Running", nil), 0, false},
		{"terminated", group("Succeeded", "Terminated", to.Ptr(int32(0))), 0, true},
		{"failed", group("Failed", "Terminated", to.Ptr(int32(1))), 1, true},
		{"stopped, container gone", group("Stopped", "", nil), StoppedExitCode, true},
		{"stopped, container terminated", group("Stopped", "Terminated", to.Ptr(int32(130))), 130, true},
		{"no properties", armcontainerinstance.ContainerGroup{}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, ended := exitCode(tc.g)
			if code != tc.code || ended != tc.ended {
				t.Errorf("exitCode = %d, %v; want %d, %v", code, ended, tc.code, tc.ended)
			}
		})
	}
}
