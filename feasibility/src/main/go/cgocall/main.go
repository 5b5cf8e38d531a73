// Command cgocall measures the cost of one cgo call (Go to C and back, to a C function that does nothing
// but add): the boundary a Go database crosses for every call into its C storage engine.
//
//	cgocall SAMPLES
//
// Each sample is the mean over a batch of 1000 calls, timed with benchlib.Now (host CLOCK_MONOTONIC_RAW).
package main

/*
static int add(int a, int b) { return a + b; }
*/
import "C"

import (
	"os"
	"strconv"

	"benchlib"
)

func main() {
	const batch = 1000
	if len(os.Args) != 2 {
		benchlib.Usage("cgocall SAMPLES")
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 1 {
		benchlib.Usage("cgocall SAMPLES")
	}
	r := benchlib.NewReport("cgocall", batch)
	r.Meta("clock_read_ns", benchlib.ClockReadNanos())
	sum := C.int(0)
	for i := 0; i < batch*10; i++ { // warm-up
		sum = C.add(sum, 1)
	}
	s := make([]int64, n)
	for i := range s {
		t0 := benchlib.Now()
		for j := 0; j < batch; j++ {
			sum = C.add(sum, 1)
		}
		s[i] = benchlib.Since(t0) / batch
	}
	r.Meta("sum", int(sum))
	r.Samples(s)
}
