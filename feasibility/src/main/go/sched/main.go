// Command sched measures what Go scheduling costs: channel ping-pong on one thread and across threads,
// runtime.Gosched, the host time of a 1 ms sleep and thread growth under N concurrent blocking system calls; and it
// has a deterministic mode whose output must be the same in every run with the same seed.
//
//	sched pingpong-same SAMPLES | pingpong-cross SAMPLES | gosched SAMPLES | timer SAMPLES
//	sched threads N
//	sched deterministic
//
// Every time is read with benchlib.Now (host CLOCK_MONOTONIC_RAW); output format: benchlib.Report.
package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"benchlib"
)

const usage = "sched pingpong-same|pingpong-cross|gosched|timer SAMPLES | threads N | deterministic"

func main() {
	if len(os.Args) < 2 {
		benchlib.Usage(usage)
	}
	benchlib.Now() // fails at once if the clock cannot be read
	switch os.Args[1] {
	case "pingpong-same":
		pingPong("pingpong-same", samples(), false)
	case "pingpong-cross":
		pingPong("pingpong-cross", samples(), true)
	case "gosched":
		gosched(samples())
	case "timer":
		timer(samples())
	case "threads":
		threads(samples())
	case "deterministic":
		deterministic()
	default:
		benchlib.Usage(usage)
	}
}

func samples() int {
	if len(os.Args) != 3 {
		benchlib.Usage(usage)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		benchlib.Usage(usage)
	}
	return n
}

// pingPong times round trips over two unbuffered channels with GOMAXPROCS=1 (what detsim's default of one CPU
// gives a Go program). On one thread nothing is locked and a round trip is two goroutine switches on one P;
// across threads the responder is locked to an OS thread of its own (LockOSThread), so every round trip hands
// the P to the other thread and back: two futex wake-ups.
func pingPong(name string, n int, cross bool) {
	batch := 1000
	if cross {
		batch = 10
	}
	runtime.GOMAXPROCS(1)
	ping, pong := make(chan int), make(chan int)
	go func() {
		if cross {
			runtime.LockOSThread()
		}
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	round := func() {
		for i := 0; i < batch; i++ {
			ping <- i
			<-pong
		}
	}
	r := benchlib.NewReport(name, batch)
	r.Meta("gomaxprocs", runtime.GOMAXPROCS(0))
	r.Meta("clock_read_ns", benchlib.ClockReadNanos())
	for i := 0; i < n/10+1; i++ { // warm-up
		round()
	}
	s := make([]int64, n)
	for i := range s {
		t0 := benchlib.Now()
		round()
		s[i] = benchlib.Since(t0) / int64(batch)
	}
	close(ping)
	<-pong
	r.Samples(s)
}

// gosched times runtime.Gosched with a second goroutine that yields too, so every call switches goroutines.
func gosched(n int) {
	const batch = 1000
	runtime.GOMAXPROCS(1)
	var stop int32
	done := make(chan struct{})
	go func() {
		for atomic.LoadInt32(&stop) == 0 {
			runtime.Gosched()
		}
		close(done)
	}()
	r := benchlib.NewReport("gosched", batch)
	r.Meta("gomaxprocs", 1)
	r.Meta("clock_read_ns", benchlib.ClockReadNanos())
	s := make([]int64, n)
	for i := range s {
		t0 := benchlib.Now()
		for j := 0; j < batch; j++ {
			runtime.Gosched()
		}
		s[i] = benchlib.Since(t0) / batch
	}
	atomic.StoreInt32(&stop, 1)
	<-done
	r.Samples(s)
}

// timer sleeps 1 ms at a time and records the host time each sleep took.
func timer(n int) {
	// Host time per time.Sleep(1 ms), lateness included: natively the sleep itself plus the wake-up delay;
	// under detsim the sleep ends in virtual time (it jumps), so what remains is what detsim costs in host time.
	// The program's own clock (time.Now: virtual under detsim) gives the lateness it observes, as meta.
	const want = int64(time.Millisecond)
	r := benchlib.NewReport("timer", 1)
	r.Meta("sleep_ns", want)
	r.Meta("clock_read_ns", benchlib.ClockReadNanos())
	s := make([]int64, n)
	var worstLate int64
	for i := range s {
		t0 := benchlib.Now()
		p0 := time.Now()
		time.Sleep(time.Millisecond)
		if late := int64(time.Since(p0)) - want; late > worstLate {
			worstLate = late
		}
		s[i] = benchlib.Now() - t0
	}
	r.Meta("worst_lateness_program_clock_ns", worstLate)
	r.Samples(s)
}

// threads puts n goroutines into blocking read(2)s on pipes of their own at the same time. Go gives every
// goroutine blocked in a system call an OS thread, so n concurrent operations need n threads. The reads are
// released only once /proc shows all n threads blocked in them (or after 5 s of host time, and then the run
// reports ok=0): a sandbox that cannot hold n blocking operations at once fails here, or hangs.
func threads(n int) {
	r := benchlib.NewReport("threads", 1)
	r.Meta("n", n)
	fds := make([][2]int, n)
	for i := range fds {
		if err := syscall.Pipe(fds[i][:]); err != nil { // blocking descriptors: each read holds a thread
			benchlib.Fail("pipe: " + err.Error())
		}
	}
	start := benchlib.Now()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(fd int) {
			defer wg.Done()
			var b [1]byte
			_, _, errno := syscall.Syscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), 1)
			if errno != 0 {
				benchlib.Fail("read: " + errno.Error())
			}
		}(fds[i][0])
	}
	readers := make(map[int]bool, n)
	for i := range fds {
		readers[fds[i][0]] = true
	}
	blocked, threadCount := 0, 0
	deadline := benchlib.Now() + 5*int64(time.Second)
	for {
		blocked, threadCount = blockedReaders(readers)
		if blocked == n || benchlib.Now() > deadline {
			break
		}
		time.Sleep(time.Millisecond)
	}
	for i := range fds {
		if _, err := syscall.Write(fds[i][1], []byte{1}); err != nil {
			benchlib.Fail("write: " + err.Error())
		}
	}
	wg.Wait()
	r.Meta("elapsed_ns", benchlib.Now()-start)
	r.Meta("blocked_seen", blocked)
	r.Meta("threads_seen", threadCount)
	ok := 0
	if blocked == n {
		ok = 1
	}
	r.Meta("ok", ok)
	r.Flush()
}

// blockedReaders counts this process's threads that /proc/self/task/TID/syscall shows inside read(2) on one
// of the given descriptors, and all of its threads.
func blockedReaders(fds map[int]bool) (blocked, threads int) {
	tasks, _ := filepath.Glob("/proc/self/task/*/syscall")
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		threads++
		f := strings.Fields(string(b))
		if len(f) < 2 || f[0] != strconv.Itoa(syscall.SYS_READ) {
			continue
		}
		fd, err := strconv.ParseInt(strings.TrimPrefix(f[1], "0x"), 16, 64)
		if err == nil && fds[int(fd)] {
			blocked++
		}
	}
	return blocked, threads
}

// deterministic prints results that depend only on the program and detsim's seed, never on timing or thread
// interleaving: a checksum passed through a pipeline of goroutines, and 16 bytes from getrandom (seeded by
// detsim; random natively). Two runs with one seed must print the same bytes.
func deterministic() {
	const stages, items = 4, 20000
	in := make(chan uint64)
	ch := in
	for s := 0; s < stages; s++ {
		out := make(chan uint64, s)
		go func(k uint64, in <-chan uint64, out chan<- uint64) {
			for v := range in {
				out <- v*6364136223846793005 + k
			}
			close(out)
		}(uint64(s), ch, out)
		ch = out
	}
	go func() {
		for i := uint64(0); i < items; i++ {
			in <- i
		}
		close(in)
	}()
	h := sha256.New()
	for v := range ch {
		fmt.Fprintf(h, "%d\n", v)
	}
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		benchlib.Fail("getrandom: " + err.Error())
	}
	fmt.Printf("pipeline %s\n", hex.EncodeToString(h.Sum(nil)))
	fmt.Printf("random %s\n", hex.EncodeToString(random))
}
