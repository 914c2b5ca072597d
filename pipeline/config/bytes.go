package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// byteUnits are the units ParseBytes accepts, as DuckDB writes them: decimal (KB, MB, GB, TB) and
// binary (KiB, MiB, GiB, TiB), case-insensitive; B or no unit is bytes.
var byteUnits = map[string]float64{"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}

// ParseBytes reads a size such as "1GB", "512 MiB" or "1.5GB" (0 for an empty string).
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	}
	f, err := strconv.ParseFloat(num, 64)
	mult, ok := byteUnits[unit]
	if err != nil || !ok || math.IsInf(f, 0) || f < 0 || f*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a size: write e.g. 1GB, 512MB or 2GiB: %w", s, errBadSize)
	}
	return int64(f * mult), nil
}

var errBadSize = errors.New("not a size")
