// Command cgoprog is a tiny program for the images tests: it uses os/user, whose lookup
// goes through libc when cgo is on, so a default build is dynamically linked (as
// bin/streamscale is) and a CGO_ENABLED=0 build is static.
package main

import (
	"fmt"
	"os/user"
)

func main() {
	u, err := user.Current()
	fmt.Println(u, err)
}
