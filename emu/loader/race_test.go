//go:build race

package loader

// raceEnabled: the QEMU boots, which exercise no concurrency of ours, are
// left to the run without the race detector.
const raceEnabled = true
