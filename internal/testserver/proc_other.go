//go:build !linux

package testserver

import "os/exec"

// setParentDeathSignal does nothing outside Linux: there is no parent-death signal.
func setParentDeathSignal(cmd *exec.Cmd) {}
