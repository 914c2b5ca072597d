// Package all registers every built-in source driver; import it for its side effect.
package all
