package dev.levitate.nativebackend;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The JNA direct-mapped binding of {@code liblevitate_native.so} (see
 * {@code src/main/native/levitate_native.h} for the C side). Loaded once; if it cannot be loaded
 * (no compiler at build time, an unsupported host), {@link #unavailableReason()} says why and no
 * method may be called.
 */
final class Shim {
    private Shim() {
    }

    static final int ABI_VERSION = 1;

    static final int STOP_YIELDED = 1;
    static final int STOP_EXITED = 2;
    static final int STOP_SLEEP = 3;
    static final int STOP_FAULTED = 4;
    static final int ERR_UNKNOWN = -1;
    static final int ERR_FINISHED = -2;
    static final int ERR_NESTED = -3;
    static final int ERR_NOMEM = -4;
    static final int ERR_ARG = -5;

    private static final String LOAD_ERROR;

    static {
        String error = null;
        try {
            Native.register(Shim.class, NativeLibrary.getInstance("levitate_native", Shim.class.getClassLoader()));
            if (lv_abi_version() != ABI_VERSION) {
                error = "liblevitate_native has ABI " + lv_abi_version() + ", this jar needs " + ABI_VERSION;
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            error = "no liblevitate_native for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + " in this jar (" + buildReport() + ")";
        }
        LOAD_ERROR = error;
    }

    private static String buildReport() {
        try (InputStream in = Shim.class.getResourceAsStream("/levitate-native-build.txt")) {
            if (in == null) {
                return "no build report";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().replace('\n', ';');
        } catch (IOException e) {
            return "build report unreadable: " + e.getMessage();
        }
    }

    static Optional<String> unavailableReason() {
        return Optional.ofNullable(LOAD_ERROR);
    }

    static native int lv_abi_version();

    static native String lv_arch();

    static native int lv_layout(int what);

    static native int lv_create(int body, long a0, long a1, long[] program, int programPairs, long stackSize);

    static native int lv_resume(int id);

    static native long lv_value(int id);

    static native long lv_saved(int id, int offset);

    static native long lv_stack_low(int id);

    static native long lv_stack_high(int id);

    static native int lv_destroy(int id);

    static native int lv_live();

    static native long lv_cycles();

    static native long lv_bench_switch_ns(long switches);

    static native long lv_bench_swapcontext_ns(long switches);
}
