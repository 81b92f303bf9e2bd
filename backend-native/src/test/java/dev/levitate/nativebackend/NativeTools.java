package dev.levitate.nativebackend;

import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Skip when a tool is missing on a user's machine; fail when levitate.requireTools is true (CI). */
final class NativeTools {
    private NativeTools() {
    }

    static void require(String what, Optional<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        String msg = what + " is not available: " + missing.get();
        if (Boolean.getBoolean("levitate.requireTools")) {
            Assertions.fail(msg + " (levitate.requireTools=true)");
        }
        Assumptions.abort(msg + " — skipped");
    }

    static void requireShim() {
        require("the native shim (gcc at build time)", Shim.unavailableReason());
    }
}
