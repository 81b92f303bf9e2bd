// The peer for the native backend's Java-driven round trip: two virtual threads on one carrier
// hand control back and forth with Thread.yield(). Run with a JDK 21+ (Temurin 25 here):
//   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
//   $JAVA -Djdk.virtualThreadScheduler.parallelism=1 benchmarks/peers/VirtualThreadPingPong.java
// Prints nanoseconds per round trip (two yields), best of 5 runs of 2,000,000.
import java.util.concurrent.atomic.AtomicLong;

public class VirtualThreadPingPong {
    public static void main(String[] args) throws Exception {
        final long n = 2_000_000;
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            AtomicLong turns = new AtomicLong();
            Runnable body = () -> {
                for (long i = 0; i < n; i++) {
                    turns.incrementAndGet();
                    Thread.yield();
                }
            };
            long t0 = System.nanoTime();
            Thread a = Thread.ofVirtual().start(body);
            Thread b = Thread.ofVirtual().start(body);
            a.join();
            b.join();
            long ns = System.nanoTime() - t0;
            best = Math.min(best, (double) ns / n);
        }
        System.out.printf("virtual-thread Thread.yield() round trip: %.1f ns%n", best);
    }
}
