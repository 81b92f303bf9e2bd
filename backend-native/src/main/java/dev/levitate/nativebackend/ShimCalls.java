package dev.levitate.nativebackend;

/**
 * The calls into {@code liblevitate_native.so} that {@link NativeBackend} makes, one method per C
 * function of {@code src/main/native/levitate_native.h}. Two implementations: {@link JnaShimCalls}
 * (JNA direct mapping, any Java 17+) and {@code FfmShimCalls} ({@code java.lang.foreign}
 * downcalls, compiled for release 22 into {@code META-INF/versions/22/} of the multi-release jar
 * and chosen by {@link Bindings} on a 22+ JVM). Both call the same loaded library, so contexts
 * created through one are visible to the other.
 */
interface ShimCalls {
    /** @return "jna" or "ffm" */
    String name();

    int abiVersion();

    String arch();

    int layout(int what);

    int create(int body, long a0, long a1, long[] program, int programPairs, long stackSize);

    int resume(int id);

    long value(int id);

    long saved(int id, int offset);

    long stackLow(int id);

    long stackHigh(int id);

    int destroy(int id);

    int live();

    long cycles();

    long benchSwitchNanos(long switches);

    long benchSwapcontextNanos(long switches);
}
