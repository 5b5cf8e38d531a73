// goroutines exercises the Go runtime under the sandbox: thousands of
// goroutines, channels, sync.WaitGroup, sync/atomic, sync.Mutex and
// time.Sleep, with the default GOMAXPROCS.
//
//	goroutines [N=5000]
//
// N goroutines form a ring of channels; a token (a hop counter) is passed
// around the ring 3 times, so it makes 3*N hops.  Each goroutine also adds
// i+1 to an atomic sum, so the sum is N*(N+1)/2.  Then a few goroutines
// increment a mutex-protected counter with 1 ms sleeps in between.  Output:
//
//	goroutines N, sum S, ring hops H
//	mutex counter C
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const laps = 3

func ring(n int) (sum int64, hops int) {
	chans := make([]chan int, n)
	for i := range chans {
		chans[i] = make(chan int, 1) // buffered so N=1 (a self-loop) works
	}
	done := make(chan int)

	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer wg.Done()
			atomic.AddInt64(&sum, int64(i+1))
			in, out := chans[i], chans[(i+1)%n]
			for lap := 0; lap < laps; lap++ {
				t := <-in
				if i == n-1 && lap == laps-1 {
					done <- t + 1
				} else {
					out <- t + 1
				}
			}
		}(i)
	}
	chans[0] <- 0
	hops = <-done
	wg.Wait()
	return atomic.LoadInt64(&sum), hops
}

func mutexSleepers(workers, rounds int) int {
	var mu sync.Mutex
	counter := 0
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				mu.Lock()
				counter++
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	return counter
}

func main() {
	n := 5000
	if len(os.Args) > 2 {
		fmt.Fprintln(os.Stderr, "usage: goroutines [N]")
		os.Exit(99)
	}
	if len(os.Args) == 2 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 1 {
			fmt.Fprintf(os.Stderr, "goroutines: bad N %q\n", os.Args[1])
			os.Exit(99)
		}
		n = v
	}

	sum, hops := ring(n)
	fmt.Printf("goroutines %d, sum %d, ring hops %d\n", n, sum, hops)
	if want := int64(n) * int64(n+1) / 2; sum != want || hops != laps*n {
		fmt.Fprintf(os.Stderr, "goroutines: got sum %d hops %d, want %d and %d\n", sum, hops, want, laps*n)
		os.Exit(99)
	}

	c := mutexSleepers(4, 5)
	fmt.Printf("mutex counter %d\n", c)
	if c != 20 {
		os.Exit(99)
	}
}
