package kafkaconn

import "syscall"

// errConnRefused is the errno a refused dial carries.
const errConnRefused = syscall.ECONNREFUSED
