//go:build !linux

package localstack

import "syscall"

// sysProcAttr puts each service in its own process group (Stop kills the
// group).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
