//go:build race

package integration

// raceDetector is set when the tests run under the race detector, which
// slows every client and the backend several times over: a test that
// paces a flood so that a client can keep up paces it slower.
const raceDetector = true
