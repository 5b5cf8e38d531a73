// Command goracy: four goroutines each do "v := counter; a syscall; counter = v + 1" ROUNDS times on a
// shared counter with no lock, and the program prints the counter (4*ROUNDS when no update was lost). With
// GOMAXPROCS above 1 the goroutines run on threads of their own, so a switch between threads inside the
// window loses updates; the syscall (getppid, which the Go runtime makes without giving up its P) is where
// detsim's chaos can switch.
//
//	goracy [ROUNDS=200]
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"syscall"
)

var counter int64

func main() {
	rounds := 200
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "usage: goracy [ROUNDS]")
			os.Exit(2)
		}
		rounds = n
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				v := counter
				syscall.Getppid()
				counter = v + 1
			}
		}()
	}
	wg.Wait()
	fmt.Println(counter)
}
