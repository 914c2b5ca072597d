package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
	return fanOut(ctx, heads, func(ctx context.Context, h feedbackHead) ([]models.RawRecord, error) {
		var fb json.RawMessage
		err := s.do(ctx, entityFeedback, http.MethodGet, "rest/servicedeskapi/request/"+url.PathEscape(h.ID)+"/feedback", nil, &fb)
		var se *StatusError
		if errors.As(err, &se) && se.Status == http.StatusNotFound {
			return nil, nil // no feedback given
		}
		if err != nil {
			return nil, err
		}
		at, _ := parseTime(h.Fields.ResolutionDate)
		return []models.RawRecord{{Source: Name, Entity: entityFeedback, NativeID: h.ID, Scope: h.ID,
			Payload: fb, UpdatedAt: at, FetchedAt: now}}, nil
	})
}
