package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/trainimpact/trainimpact/models"
)

// entityFeedback is the raw_records entity of a request's CSAT feedback (native id and scope: the
// issue id). The metric jsm_satisfaction reads it from raw_records.
const entityFeedback = "request_feedback"

// feedbackHead is what feedback collection reads from an issue payload.
type feedbackHead struct {
	ID     string `json:"id"`
	Fields struct {
		Project struct {
			Key string `json:"key"`
		} `json:"project"`
		ResolutionDate string `json:"resolutiondate"`
	} `json:"fields"`
}

// requestFeedback fetches the customer satisfaction feedback of the resolved issues of the
// configured feedback_projects (Jira Service Management): GET
// /rest/servicedeskapi/request/{issueId}/feedback, whose answer is a CSATFeedbackFullDTO
// {"type": "csat", "rating": 1..5, "comment": {...}}; a 404 means no feedback. It is fetched again
// whenever the issue comes back in a search (it was updated), concurrently; the transport bounds
// requests in flight. Nothing is fetched when feedback_projects is empty.
func (s *Source) requestFeedback(ctx context.Context, issues []json.RawMessage, now time.Time) ([]models.RawRecord, error) {
	if len(s.cfg.FeedbackProjects) == 0 {
		return nil, nil
	}
	want := map[string]bool{}
	for _, k := range s.cfg.FeedbackProjects {
		want[strings.ToUpper(strings.TrimSpace(k))] = true
	}
	var heads []feedbackHead
	for _, p := range issues {
		var h feedbackHead
		if err := json.Unmarshal(p, &h); err != nil || h.ID == "" {
			return nil, fmt.Errorf("jira: search returned an issue that does not decode: %v", err)
		}
		if want[strings.ToUpper(h.Fields.Project.Key)] && h.Fields.ResolutionDate != "" {
			heads = append(heads, h)
		}
	}
	var (
		mu    sync.Mutex
		out   []models.RawRecord
		first error
		wg    sync.WaitGroup
	)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, h := range heads {
		wg.Add(1)
		go func(h feedbackHead) {
			defer wg.Done()
			var fb json.RawMessage
			err := s.do(cctx, entityFeedback, http.MethodGet, "rest/servicedeskapi/request/"+url.PathEscape(h.ID)+"/feedback", nil, &fb)
			var se *StatusError
			if errors.As(err, &se) && se.Status == http.StatusNotFound {
				return // no feedback given
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = err
					cancel()
				}
				return
			}
			at, _ := parseTime(h.Fields.ResolutionDate)
			out = append(out, models.RawRecord{Source: Name, Entity: entityFeedback, NativeID: h.ID, Scope: h.ID,
				Payload: fb, UpdatedAt: at, FetchedAt: now})
		}(h)
	}
	wg.Wait()
	if first != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, first
	}
	return out, nil
}
