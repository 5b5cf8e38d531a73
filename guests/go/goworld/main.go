// Command goworld prints what a Go program takes from its world: the clock, math/rand seeded from the
// clock (the common pattern), crypto/rand, the pid, map iteration order and select's choice among ready
// channels. The last two come from the runtime's fastrand, which Go seeds from AT_RANDOM and rdtsc (cputicks),
// so natively every run prints something else; under detsim one seed must print the same bytes every run.
package main

import (
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"time"
)

func main() {
	now := time.Now()
	fmt.Println("time.Now:", now.UTC().Format(time.RFC3339Nano))

	rand.Seed(now.UnixNano())
	fmt.Println("math/rand seeded by time:", rand.Int63(), rand.Int63())

	b := make([]byte, 16)
	if _, err := crand.Read(b); err != nil {
		fmt.Fprintln(os.Stderr, "crypto/rand:", err)
		os.Exit(1)
	}
	fmt.Println("crypto/rand:", hex.EncodeToString(b))
	fmt.Println("pid:", os.Getpid())

	m := map[string]int{}
	for i := 0; i < 16; i++ {
		m[fmt.Sprintf("k%02d", i)] = i
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	fmt.Println("map order:", strings.Join(keys, " "))

	a, c := make(chan int, 1), make(chan int, 1)
	var picks strings.Builder
	for i := 0; i < 48; i++ {
		a <- 1
		c <- 1
		select {
		case <-a:
			picks.WriteByte('a')
			<-c
		case <-c:
			picks.WriteByte('c')
			<-a
		}
	}
	fmt.Println("select picks:", picks.String())
}
