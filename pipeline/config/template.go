package config

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed template/*
var templateFS embed.FS

// StarterFiles lists the files `trainimpact init` writes: a commented config and example people
// files that pass validation.
var StarterFiles = []string{"trainimpact.yaml", "teams.csv", "cohorts.csv"}

// ErrExists reports that init would overwrite a file.
var ErrExists = errors.New("config: file already exists")

// WriteStarter writes the starter files into dir. It refuses to overwrite an existing file unless
// force is set, and writes nothing when any would be overwritten.
func WriteStarter(dir string, force bool) ([]string, error) {
	var paths []string
	for _, name := range StarterFiles {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil && !force {
			return nil, fmt.Errorf("%w: %s (use --force to overwrite)", ErrExists, p)
		}
		paths = append(paths, p)
	}
	for i, name := range StarterFiles {
		b, err := fs.ReadFile(templateFS, "template/"+name)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(paths[i], b, 0o644); err != nil {
			return nil, fmt.Errorf("config: write %s: %w", paths[i], err)
		}
	}
	return paths, nil
}

// Template returns the commented starter config.
func Template() []byte {
	b, _ := fs.ReadFile(templateFS, "template/trainimpact.yaml")
	return b
}
