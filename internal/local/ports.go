package local

import (
	"fmt"
	"net"
	"strconv"
)

// checkPortFree fails with a message naming the flag to change when 127.0.0.1:port is taken.
func checkPortFree(port int, what, flag string) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d for %s is already in use on 127.0.0.1: stop what uses it or pick another with %s", port, what, flag)
	}
	return ln.Close()
}

// FreePorts asks the kernel for n distinct free ports on 127.0.0.1. Tests use it to run a
// stack beside any other; the ports are free when returned, not reserved.
func FreePorts(n int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
