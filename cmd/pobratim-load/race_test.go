//go:build race

package main

// raceEnabled builds the bot under test with -race too, so that it shares
// the build cache of go test -race and its data races show.
const raceEnabled = true
