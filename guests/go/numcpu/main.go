// numcpu prints what the Go runtime believes about the machine: NumCPU (from sched_getaffinity)
// and the default GOMAXPROCS derived from it.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("NumCPU %d GOMAXPROCS %d\n", runtime.NumCPU(), runtime.GOMAXPROCS(0))
}
