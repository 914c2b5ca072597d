package benchdata

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// ResetPeakRSS resets the kernel's record of this process's peak resident set size (Linux: "5"
// written to /proc/self/clear_refs), so that PeakRSS measures from here; false where it cannot.
func ResetPeakRSS() bool { return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil }

// PeakRSS returns the process's peak resident set size in bytes (VmHWM of /proc/self/status), 0
// when unknown.
func PeakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
