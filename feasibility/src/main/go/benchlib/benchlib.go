// Package benchlib is what every feasibility benchmark shares: the real clock it times itself with and the
// text format in which it hands its samples to the harness (docs/FEASIBILITY.md).
package benchlib

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"syscall"
	"unsafe"
)

const clockMonotonicRaw = 4 // CLOCK_MONOTONIC_RAW in <linux/time.h>

// Now reads CLOCK_MONOTONIC_RAW in nanoseconds with a real clock_gettime system call. Not time.Now(): under
// detsim the program's clocks are virtual, and `detsim run --benchmark-clock` lets only this clock read the
// host's time. Not the vDSO either: a vDSO read never reaches the tracer, so detsim could not answer it.
func Now() int64 {
	var ts syscall.Timespec
	_, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockMonotonicRaw, uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		Fail("clock_gettime(CLOCK_MONOTONIC_RAW): " + errno.Error())
	}
	return ts.Nano()
}

// Since is the host nanoseconds from t0 (a Now reading) to now, less what the read that ends the interval
// costs. That read lands inside the interval: natively tens of nanoseconds, under detsim a stop at the tracer
// (tens of microseconds), which would swamp a batch of cheap operations. A second read right behind it costs
// the same, so the interval without it is (t1 - t0) - (t2 - t1); measured with every sample, it follows the
// tracer as it warms up. Never negative.
func Since(t0 int64) int64 {
	t1 := Now()
	t2 := Now()
	if d := (t1 - t0) - (t2 - t1); d > 0 {
		return d
	}
	return 0
}

// ClockReadNanos is the median of 1000 back-to-back differences of Now(): what one clock read adds to a timed
// interval. Under detsim each read is a stop at the tracer, which is why short operations are timed in batches.
func ClockReadNanos() int64 {
	d := make([]int64, 1000)
	for i := range d {
		a := Now()
		d[i] = Now() - a
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

// Report is the result of one benchmark run: metadata lines "# key=value", then one sample per line
// (nanoseconds per operation, as an integer). The harness reads it from stdout.
type Report struct {
	w *bufio.Writer
}

// NewReport starts the report of benchmark bench, whose samples are each the mean over batch operations.
func NewReport(bench string, batch int) *Report {
	r := &Report{w: bufio.NewWriterSize(os.Stdout, 1<<16)}
	r.Meta("bench", bench)
	r.Meta("clock", "CLOCK_MONOTONIC_RAW")
	r.Meta("batch", batch)
	return r
}

// Meta writes one metadata line.
func (r *Report) Meta(key string, value interface{}) {
	fmt.Fprintf(r.w, "# %s=%v\n", key, value)
}

// Samples writes the samples, one per line, and flushes: called after the timed part, so that writing
// output never lands inside a measured interval.
func (r *Report) Samples(samples []int64) {
	for _, s := range samples {
		fmt.Fprintln(r.w, s)
	}
	r.Flush()
}

// Flush writes out what is buffered.
func (r *Report) Flush() {
	if err := r.w.Flush(); err != nil {
		Fail("writing the report: " + err.Error())
	}
}

// Fail ends the benchmark with one line on stderr and status 2.
func Fail(msg string) {
	fmt.Fprintln(os.Stderr, "benchmark: "+msg)
	os.Exit(2)
}

// Usage ends the benchmark with its usage line when the arguments are wrong.
func Usage(usage string) {
	Fail("usage: " + usage)
}
