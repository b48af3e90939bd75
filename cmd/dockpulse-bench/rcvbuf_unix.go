//go:build !windows

package main

import "syscall"

// setRcvBuf sets a socket's receive buffer size.
func setRcvBuf(fd uintptr, size int) error {
	return syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size)
}
