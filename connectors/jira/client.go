package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
)

// StatusError is a Jira answer with an unexpected HTTP status (other than an auth failure).
type StatusError struct {
	Method, Path string
	Status       int
	Message      string // Jira's errorMessages, joined
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("jira: %s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Message)
}

// do sends one request through the go-jira client (auth and transport shared) and decodes the
// JSON answer into v. 401 and 403 become *connectors.AuthError naming the configured variables.
func (s *Source) do(ctx context.Context, entity, method, path string, body, v any) error {
	ctx = httpx.WithEntity(ctx, entity)
	req, err := s.client.NewRequestWithContext(ctx, method, path, body)
	if err != nil {
		return fmt.Errorf("jira: build %s %s: %w", method, path, err)
	}
	resp, err := s.client.Do(req, v)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if resp == nil || resp.Response == nil {
		return fmt.Errorf("jira: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return fmt.Errorf("jira: %s %s: decode: %w", method, path, err)
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		envs := []string{s.cfg.TokenEnv}
		if s.cfg.EmailEnv != "" {
			envs = []string{s.cfg.EmailEnv, s.cfg.TokenEnv}
		}
		return &connectors.AuthError{Source: Name, Env: envs, Status: resp.StatusCode}
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var je struct {
		ErrorMessages []string `json:"errorMessages"`
	}
	msg := strings.TrimSpace(string(b))
	if json.Unmarshal(b, &je) == nil && len(je.ErrorMessages) > 0 {
		msg = strings.Join(je.ErrorMessages, "; ")
	}
	return &StatusError{Method: method, Path: strings.SplitN(path, "?", 2)[0], Status: resp.StatusCode, Message: msg}
}

// Ping implements connectors.Pinger: one call to /rest/api/2/myself.
func (s *Source) Ping(ctx context.Context) error {
	var me myselfJSON
	return s.do(ctx, "ping", http.MethodGet, "rest/api/2/myself", nil, &me)
}

type myselfJSON struct {
	TimeZone string `json:"timeZone"`
}

// ErrUnknownTimeZone reports a /myself time zone Go cannot load; the connector then refuses to
// build incremental queries rather than risk skipping updates.
var ErrUnknownTimeZone = errors.New("jira: unknown user time zone")

// userLocation returns the Jira user's time zone, in which JQL dates are interpreted.
func (s *Source) userLocation(ctx context.Context) (*time.Location, error) {
	var me myselfJSON
	if err := s.do(ctx, "setup", http.MethodGet, "rest/api/2/myself", nil, &me); err != nil {
		return nil, err
	}
	if me.TimeZone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(me.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrUnknownTimeZone, me.TimeZone, err)
	}
	return loc, nil
}

// detect resolves the deployment from the config or /rest/api/2/serverInfo.
func (s *Source) detect(ctx context.Context) error {
	switch s.cfg.Deployment {
	case DeploymentCloud:
		s.cloud = true
		return nil
	case DeploymentDataCenter:
		s.cloud = false
		return nil
	}
	var info struct {
		DeploymentType string `json:"deploymentType"`
	}
	if err := s.do(ctx, "setup", http.MethodGet, "rest/api/2/serverInfo", nil, &info); err != nil {
		return err
	}
	s.cloud = strings.EqualFold(info.DeploymentType, "Cloud")
	return nil
}
