package models

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one schema step: the SQL of models/migrations/NNN_name.sql.
type Migration struct {
	Version int    // NNN, strictly increasing from 1
	Name    string // the name part of the file name
	File    string // file name, for messages
	SQL     string
}

// ErrBadMigrationName reports a file in the migrations folder whose name is not NNN_name.sql.
var ErrBadMigrationName = errors.New("models: migration file name is not NNN_name.sql")

// DuplicateMigrationError reports two migration files with the same version.
type DuplicateMigrationError struct {
	Version      int
	First, Again string
}

func (e *DuplicateMigrationError) Error() string {
	return fmt.Sprintf("models: migration version %d defined twice: %s and %s", e.Version, e.First, e.Again)
}

// migrationName is the one grammar of migration file names.
var migrationName = regexp.MustCompile(`^([0-9]{3})_([a-z0-9_]+)\.sql$`)

// Migrations returns the embedded schema migrations in version order.
func Migrations() ([]Migration, error) {
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	return LoadMigrations(sub)
}

// LoadMigrations reads every file of fsys as a migration. A file whose name does not follow the
// grammar, or a repeated version, is an error: nothing is skipped silently.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("models: read migrations: %w", err)
	}
	byVersion := map[int]Migration{}
	for _, e := range entries {
		if e.IsDir() {
			return nil, fmt.Errorf("%w: %s is a directory", ErrBadMigrationName, e.Name())
		}
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("%w: %s", ErrBadMigrationName, e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if prev, ok := byVersion[v]; ok {
			return nil, &DuplicateMigrationError{Version: v, First: prev.File, Again: e.Name()}
		}
		body, err := fs.ReadFile(fsys, path.Clean(e.Name()))
		if err != nil {
			return nil, fmt.Errorf("models: read %s: %w", e.Name(), err)
		}
		byVersion[v] = Migration{Version: v, Name: m[2], File: e.Name(), SQL: string(body)}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("models: migration versions must run 1, 2, 3, ... without gaps; %s is number %d", m.File, i+1)
		}
	}
	return out, nil
}
