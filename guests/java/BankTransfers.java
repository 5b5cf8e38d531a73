import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A multithreaded Java program for record and replay: four workers move money between accounts under locks
 * (the total must stay), and the order in which transfers finish — which the thread interleaving decides —
 * goes into a checksum it prints. Usage: java BankTransfers [transfers per worker]
 */
public class BankTransfers {
    static final long[] accounts = new long[16];
    static final AtomicLong order = new AtomicLong(17);

    public static void main(String[] args) throws Exception {
        int per = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        java.util.Arrays.fill(accounts, 1000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> done = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int worker = w;
            done.add(pool.submit(() -> {
                long seed = worker * 7919L + 1;
                for (int i = 0; i < per; i++) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    int from = (int) ((seed >>> 33) % accounts.length), to = (int) ((seed >>> 17) % accounts.length);
                    transfer(from, to, 1 + (int) ((seed >>> 5) % 50));
                    if (i % 100 == 0) Thread.yield();
                    order.updateAndGet(v -> v * 31 + worker);
                }
                return seed;
            }));
        }
        long check = 0;
        for (Future<Long> f : done) check ^= f.get();
        pool.shutdown();
        long total = 0;
        for (long a : accounts) total += a;
        System.out.println("total " + total + " seeds " + Long.toHexString(check) + " order " + Long.toHexString(order.get()));
    }

    static void transfer(int from, int to, long amount) {
        Object first = from < to ? lock(from) : lock(to), second = from < to ? lock(to) : lock(from);
        synchronized (first) {
            synchronized (second) {
                if (accounts[from] >= amount) {
                    accounts[from] -= amount;
                    accounts[to] += amount;
                }
            }
        }
    }

    static final Object[] locks = new Object[16];
    static {
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    }

    static Object lock(int i) {
        return locks[i];
    }
}
