package dev.levitate.nativebackend;

import java.lang.reflect.InvocationTargetException;

/**
 * Chooses the binding once per JVM: {@code FfmShimCalls} when the JVM is 22+ and the jar carries
 * it (it lives in {@code META-INF/versions/22/}, which only a 22+ JVM reading the multi-release
 * jar sees), otherwise JNA. {@code -Dlevitate.native.binding=jna} forces JNA.
 */
final class Bindings {
    private Bindings() {
    }

    /** The system property that forces a binding: "jna" (or "ffm", which still falls back). */
    static final String PROPERTY = "levitate.native.binding";
    static final String FFM_CLASS = "dev.levitate.nativebackend.FfmShimCalls";

    /** The chosen binding; JNA when the shim is not loaded at all (no method is then called). */
    static final ShimCalls CALLS;
    /** Why FFM was not chosen, or null when it was. */
    static final String WHY_NOT_FFM;

    static {
        ShimCalls chosen = JnaShimCalls.INSTANCE;
        String why;
        String forced = System.getProperty(PROPERTY, "");
        if ("jna".equals(forced)) {
            why = PROPERTY + "=jna";
        } else if (Runtime.version().feature() < 22) {
            why = "Java " + Runtime.version().feature() + " has no final java.lang.foreign (22+)";
        } else if (Shim.unavailableReason().isPresent()) {
            why = "the shim is not loaded";
        } else {
            why = null;
            try {
                chosen = (ShimCalls) Class.forName(FFM_CLASS, true, Bindings.class.getClassLoader())
                        .getDeclaredConstructor().newInstance();
            } catch (ClassNotFoundException e) {
                why = "this jar has no FFM binding (built without a JDK 22+; see docs/native-backend.md)";
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
                why = "the FFM binding failed to link: " + cause;
            }
            if (why != null) {
                chosen = JnaShimCalls.INSTANCE;
            }
        }
        CALLS = chosen;
        WHY_NOT_FFM = why;
    }
}
