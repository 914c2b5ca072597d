package analyze

import (
	"context"
	"runtime/debug"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Shares of analysis.memory_limit: DuckDB's buffer manager and Go's heap. The rest is headroom for
// what neither counts (stacks, cgo allocations outside DuckDB's buffer manager, the binary).
const (
	duckDBMemoryShare = 0.40
	goHeapMemoryShare = 0.45
)

// LimitMemory applies a soft ceiling of limit bytes (analysis.memory_limit; 0 = none) to an
// analysis on st: DuckDB's memory_limit at 40% of it and Go's soft memory limit
// (runtime/debug.SetMemoryLimit, what GOMEMLIMIT sets) at 45%, until restore puts both back. With
// both capped, BenchmarkAnalyze10M's peak resident memory stays under 1 GB for limit = 1 GB
// (BENCHMARKS.md: 963 MB, and 138 s against 136 s without the limit). What it can cost is time,
// DuckDB evicting and re-reading blocks and Go's collector running more often. Go's limit is process-wide: nothing else should set it meanwhile.
func LimitMemory(ctx context.Context, st *store.Store, limit int64) (restore func(), err error) {
	if limit <= 0 {
		return func() {}, nil
	}
	undo, err := st.LimitMemory(ctx, int64(duckDBMemoryShare*float64(limit)))
	if err != nil {
		return nil, err
	}
	prev := debug.SetMemoryLimit(int64(goHeapMemoryShare * float64(limit)))
	return func() {
		debug.SetMemoryLimit(prev)
		undo()
	}, nil
}
