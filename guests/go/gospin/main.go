// gospin: a goroutine spins on a flag that another goroutine sets, with no call that could yield in the loop.
//
//	gospin          prints "flag seen after N spins"
//
// With GOMAXPROCS 2 the two goroutines run on two threads; under a scheduler that runs one thread at a time
// and switches only at syscalls, the spinning thread never lets the setter run: only a preemption ends the
// spin — detsim's wall-clock watchdog (then N depends on host speed) or a counted slice (N is the same in every
// run). Go's own asynchronous preemption (sysmon's SIGURG) needs sysmon to run, which also needs a turn.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

var flag int32

//go:noinline
func spin() int64 {
	var n int64
	for atomic.LoadInt32(&flag) == 0 {
		n++
	}
	return n
}

func main() {
	runtime.GOMAXPROCS(2)
	done := make(chan struct{})
	go func() {
		atomic.StoreInt32(&flag, 1)
		close(done)
	}()
	n := spin()
	<-done
	fmt.Printf("flag seen after %d spins\n", n)
}
