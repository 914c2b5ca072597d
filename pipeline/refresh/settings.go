package refresh

import (
	"context"
	_ "embed"
	"fmt"
	"sort"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

//go:embed sql/clear_settings.sql
var clearSettingsSQL string

// Setting keys the metric files read through the setting(key, default) macro.
const (
	SettingMinCell       = "analysis.min_cell"
	SettingFailureWindow = "dora.failure_window_hours"
)

// DefaultFailureWindowHours is the change failure window without a GitHub source configured.
const DefaultFailureWindowHours = 24

// linkage is what a source config offers the DORA linkage (the GitHub connector's Config).
type linkage interface {
	ServiceRepos() map[string][]string
	FailureWindow() float64
}

// Settings returns the settings rows and the service map rows the config implies: analysis.min_cell,
// dora.failure_window_hours (sources.github.failure_window_hours, default 24) and one row per
// service and repository of sources.github.service_map, sorted.
func Settings(cfg *config.Config, now time.Time) ([]models.Setting, []models.ServiceRepo) {
	window := float64(DefaultFailureWindowHours)
	var repos []models.ServiceRepo
	if l, ok := cfg.Sources["github"].(linkage); ok {
		if w := l.FailureWindow(); w > 0 {
			window = w
		}
		seen := map[models.ServiceRepo]bool{}
		for service, rs := range l.ServiceRepos() {
			for _, r := range rs {
				sr := models.ServiceRepo{Service: service, Repo: r}
				if !seen[sr] {
					seen[sr] = true
					repos = append(repos, sr)
				}
			}
		}
	}
	sort.Slice(repos, func(i, j int) bool {
		if repos[i].Service != repos[j].Service {
			return repos[i].Service < repos[j].Service
		}
		return repos[i].Repo < repos[j].Repo
	})
	settings := []models.Setting{
		{Key: SettingMinCell, Value: float64(cfg.Analysis.MinCell), UpdatedAt: now.UTC()},
		{Key: SettingFailureWindow, Value: window, UpdatedAt: now.UTC()},
	}
	return settings, repos
}

// WriteSettings replaces the settings and service_repos tables with what the config implies (see
// Settings), in one transaction. Derived calls it; analyze's command calls it before deriving the
// metrics, so a changed service map or min_cell counts from that run on.
func WriteSettings(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time) error {
	settings, repos := Settings(cfg, now)
	err := st.Write(ctx, func(w *store.Writer) error {
		if _, err := w.Exec(ctx, clearSettingsSQL); err != nil {
			return err
		}
		rows := make([]models.Row, 0, len(settings)+len(repos))
		for _, s := range settings {
			rows = append(rows, s)
		}
		for _, r := range repos {
			rows = append(rows, r)
		}
		return w.Insert(ctx, rows)
	})
	if err != nil {
		return fmt.Errorf("refresh: settings: %w", err)
	}
	return nil
}
