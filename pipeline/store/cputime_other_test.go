//go:build !unix

package store

import "time"

// cpuTime is not measured on this platform; the CPU ratio reads NaN.
func cpuTime() time.Duration { return 0 }
