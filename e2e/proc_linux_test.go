package e2e

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes Linux stop the server when the test process dies, for example
// when go test's -timeout kills it before TestMain can clean up.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
