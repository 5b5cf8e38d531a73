// Command goconc exercises the Go runtime's concurrency against the scheduler it runs under: goroutines on
// channels, sync.Mutex and WaitGroup, timers, select with time.After, a LockOSThread hand-off, the netpoller
// with loopback TCP, and cgo calls. Each part prints what it computed (the same in any interleaving) and
// what shows the interleaving (arrival orders, virtual durations), so natively the second kind varies from
// run to run while under detsim one seed prints the same bytes every run.
//
//	goconc          all parts
//	goconc spin     a goroutine in a tight loop (no calls) while another must run: needs async preemption
//	goconc handoff N  N round trips to a goroutine locked to its own thread, with GOMAXPROCS=1: every trip
//	                  hands the P to the other thread and back (a futex wake and a futex wait on each side)
package main

// #include <stdint.h>
// static int64_t add(int64_t a, int64_t b) { return a + b; }
import "C"

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	fmt.Println("gomaxprocs", runtime.GOMAXPROCS(0))
	if len(os.Args) > 1 && os.Args[1] == "spin" {
		spin()
		return
	}
	if len(os.Args) > 2 && os.Args[1] == "handoff" {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "usage: goconc handoff N (N >= 1)")
			os.Exit(2)
		}
		runtime.GOMAXPROCS(1)
		handoffs(n)
		return
	}
	pipeline()
	mutexAndWaitGroup()
	timers()
	lockedThread()
	tcpEcho()
	cgo()
}

// pipeline: a producer, three workers, one collector; which worker handled which item is the interleaving.
func pipeline() {
	items, results := make(chan int), make(chan [2]int)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := range items {
				results <- [2]int{w, i * i}
			}
		}(w)
	}
	go func() {
		for i := 1; i <= 30; i++ {
			items <- i
		}
		close(items)
	}()
	go func() { wg.Wait(); close(results) }()
	sum, perWorker := 0, [3]int{}
	for r := range results {
		sum += r[1]
		perWorker[r[0]]++
	}
	fmt.Println("pipeline: sum of squares", sum, "items per worker", perWorker)
}

// mutexAndWaitGroup: eight goroutines take a mutex in turns; the order they got it is the interleaving.
func mutexAndWaitGroup() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	var order []string
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 3; k++ {
				mu.Lock()
				total += g
				order = append(order, fmt.Sprint(g))
				mu.Unlock()
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	fmt.Println("mutex: total", total, "order", strings.Join(order, ""))
}

// timers: a timer, AfterFunc, a ticker and select with time.After; durations are what the clock said.
func timers() {
	start := time.Now()
	fired := make(chan string, 4)
	time.AfterFunc(30*time.Millisecond, func() { fired <- "afterfunc" })
	t := time.NewTimer(10 * time.Millisecond)
	<-t.C
	fired <- "timer"
	tick := time.NewTicker(5 * time.Millisecond)
	for i := 0; i < 4; i++ {
		<-tick.C
	}
	tick.Stop()
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("timers: impossible")
	case <-time.After(50 * time.Millisecond):
	}
	got := []string{<-fired, <-fired}
	fmt.Println("timers: fired", got, "select timed out; took", time.Since(start).Round(time.Microsecond))
}

// lockedThread: a goroutine locked to its OS thread answers 100 requests: every answer hands off threads.
func lockedThread() {
	fmt.Println("locked thread: sum", handoffs(100))
}

// handoffs sends 0..n-1 to a goroutine locked to its OS thread, which answers each with v+1; the sum.
func handoffs(n int) int {
	req, resp := make(chan int), make(chan int)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for v := range req {
			resp <- v + 1
		}
		close(resp)
	}()
	sum := 0
	for i := 0; i < n; i++ {
		req <- i
		sum += <-resp
	}
	close(req)
	<-resp
	if len(os.Args) > 1 && os.Args[1] == "handoff" {
		fmt.Println("handoffs", n, "sum", sum)
	}
	return sum
}

// tcpEcho: an echo server on loopback and four clients through the netpoller; the order clients finish is
// the interleaving.
func tcpEcho() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					c.Write([]byte(strings.ToUpper(line)))
				}
			}(c)
		}
	}()
	done := make(chan int)
	for cl := 0; cl < 4; cl++ {
		go func(cl int) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				fmt.Fprintln(os.Stderr, "dial:", err)
				os.Exit(1)
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for m := 0; m < 10; m++ {
				fmt.Fprintf(c, "client %d message %d\n", cl, m)
				want := fmt.Sprintf("CLIENT %d MESSAGE %d\n", cl, m)
				if got, err := r.ReadString('\n'); err != nil || got != want {
					fmt.Fprintln(os.Stderr, "echo:", got, err)
					os.Exit(1)
				}
			}
			done <- cl
		}(cl)
	}
	var order []string
	for i := 0; i < 4; i++ {
		order = append(order, fmt.Sprint(<-done))
	}
	ln.Close()
	fmt.Println("tcp: 40 echoes checked; clients finished in order", strings.Join(order, ""))
}

func cgo() {
	var s C.int64_t
	for i := 0; i < 1000; i++ {
		s = C.add(s, C.int64_t(i))
	}
	fmt.Println("cgo: sum", int64(s))
}

// spin: with one P, a goroutine that never makes a call can only be stopped by the runtime's asynchronous
// preemption (sysmon sends SIGURG); the main goroutine needs the P back to finish.
func spin() {
	runtime.GOMAXPROCS(1)
	stop := false
	var mu sync.Mutex
	go func() {
		for i := 0; ; i++ {
			if i%100000000 == 0 {
				mu.Lock()
				s := stop
				mu.Unlock()
				if s {
					return
				}
			}
		}
	}()
	time.Sleep(time.Millisecond) // let the spinner take the P
	mu.Lock()
	stop = true
	mu.Unlock()
	fmt.Println("spin: the main goroutine ran again while another spun")
}
