package github

import (
	"fmt"
	"sort"
	"strings"

	"github.com/trainimpact/trainimpact/connectors"
)

// validateServiceMap checks service_map (every repository owner/name, no empty service name) and
// failure_window_hours (more than 0, at most 30 days), in key order so messages are stable.
func (c *Config) validateServiceMap() []connectors.FieldError {
	var errs []connectors.FieldError
	services := make([]string, 0, len(c.ServiceMap))
	for s := range c.ServiceMap {
		services = append(services, s)
	}
	sort.Strings(services)
	for _, s := range services {
		if strings.TrimSpace(s) == "" {
			errs = append(errs, connectors.FieldError{Key: "service_map", Message: "a service name is empty"})
			continue
		}
		repos := c.ServiceMap[s]
		if len(repos) == 0 {
			errs = append(errs, connectors.FieldError{Key: "service_map." + s, Message: "list at least one repository (owner/name)"})
		}
		for i, r := range repos {
			if o, n, ok := strings.Cut(r, "/"); !ok || o == "" || n == "" || strings.Contains(n, "/") {
				errs = append(errs, connectors.FieldError{Key: fmt.Sprintf("service_map.%s[%d]", s, i), Message: fmt.Sprintf("%q is not owner/name", r)})
			}
		}
	}
	if !(c.FailureWindowHours > 0 && c.FailureWindowHours <= 30*24) {
		errs = append(errs, connectors.FieldError{Key: "failure_window_hours", Message: "must be more than 0 and at most 720 (30 days)"})
	}
	return errs
}
