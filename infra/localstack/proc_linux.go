//go:build linux

package localstack

import "syscall"

// sysProcAttr puts each service in its own process group (Stop kills the
// group) and has the kernel kill it if the process that started it dies,
// so no java is orphaned by a crashed or killed test binary.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
