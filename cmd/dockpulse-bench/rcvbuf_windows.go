package main

import "syscall"

// setRcvBuf sets a socket's receive buffer size: a socket is a Handle here.
func setRcvBuf(fd uintptr, size int) error {
	return syscall.SetsockoptInt(syscall.Handle(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size)
}
