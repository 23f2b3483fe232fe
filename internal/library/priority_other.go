//go:build !linux

package library

// lowerPriority does nothing where the nice value is per process rather
// than per thread.
func lowerPriority() {}
