package connectors

import (
	"fmt"
	"sort"
	"sync"
)

var (
	driversMu sync.RWMutex
	drivers   = map[string]Driver{}
)

// Register makes a driver available under name. It panics when called twice with the same name or
// with a nil driver: both are wiring bugs. Call it from the driver package's init.
func Register(name string, d Driver) {
	driversMu.Lock()
	defer driversMu.Unlock()
	if d == nil {
		panic("connectors: Register driver is nil")
	}
	if name == "" {
		panic("connectors: Register with an empty name")
	}
	if _, dup := drivers[name]; dup {
		panic("connectors: Register called twice for driver " + name)
	}
	drivers[name] = d
}

// Lookup returns the driver registered under name.
func Lookup(name string) (Driver, error) {
	driversMu.RLock()
	d, ok := drivers[name]
	driversMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("connectors: unknown source %q (known: %v; forgotten import?)", name, Drivers())
	}
	return d, nil
}

// Drivers returns the registered source names, sorted.
func Drivers() []string {
	driversMu.RLock()
	defer driversMu.RUnlock()
	out := make([]string, 0, len(drivers))
	for n := range drivers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
