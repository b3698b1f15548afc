package local

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
)

// checkPortFree fails with a message naming the flag to change when 127.0.0.1:port is taken.
func checkPortFree(port int, what, flag string) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d for %s is already in use on 127.0.0.1: stop what uses it or pick another with %s", port, what, flag)
	}
	return ln.Close()
}

// FreePorts finds n distinct free ports on 127.0.0.1. Tests use it to run a stack beside any
// other; the ports are free when returned, not reserved. They are taken below the kernel's
// ephemeral range (net.ipv4.ip_local_port_range) where there is room: a listening port inside
// it can be taken, while its server is down, as the source port of a client's connection — a
// client reconnecting to a killed broker on such a port can even connect to itself — so a
// restarted server would find its port in use.
func FreePorts(n int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	ports := make([]int, 0, n)
	low := ephemeralLow()
	for tries := 0; len(ports) < n && low-minTestPort > 1000 && tries < 50*n; tries++ {
		p := minTestPort + rand.IntN(low-minTestPort)
		if slices.Contains(ports, p) {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue
		}
		lns = append(lns, ln)
		ports = append(ports, p)
	}
	for len(ports) < n { // no room below the ephemeral range: the kernel's choice
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// minTestPort is the lowest port FreePorts hands out (above the registered services most
// machines run).
const minTestPort = 20000

// ephemeralLow is the first port of the kernel's ephemeral range (Linux's default 32768 when
// it cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	low, err := strconv.Atoi(f[0])
	if err != nil {
		return 32768
	}
	return low
}
