package testserver

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes Linux kill the child when the test process dies, for example
// when go test's -timeout ends it before its cleanups run.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
