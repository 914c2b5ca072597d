package workspace

// SetStep replaces the step hook for a test and returns the function that restores it.
func SetStep(f func(name string)) (restore func()) {
	old := step
	step = f
	return func() { step = old }
}

// StagingName is the staging file's name in state_dir.
const StagingName = stagingName
