package dev.levitate.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The binding chosen for this JVM: JNA on Java 17..21 (or when forced), FFM on 22+ when the FFM
 * classes were built. CI runs this module's tests on JDK 17 and on Temurin 25, so both are proven.
 */
class BindingTest {
    @Test
    void theJvmPicksTheBinding() {
        NativeTools.requireShim();
        int feature = Runtime.version().feature();
        boolean forcedJna = "jna".equals(System.getProperty(Bindings.PROPERTY));
        boolean ffmBuilt = BindingTest.class.getClassLoader()
                .getResource(Bindings.FFM_CLASS.replace('.', '/') + ".class") != null;
        if (feature >= 22 && !forcedJna && !ffmBuilt) {
            NativeTools.require("the FFM binding (a JDK 22+ javac at build time)",
                    java.util.Optional.of("no " + Bindings.FFM_CLASS + " on the class path"));
        }
        String expected = feature >= 22 && !forcedJna ? "ffm" : "jna";
        assertEquals(expected, NativeBackend.binding(), NativeBackend.bindingNote());
        assertEquals(expected, NativeBackend.bindingNote().substring(0, 3));
    }

    @Test
    void bothBindingsCallTheSameLibrary() {
        NativeTools.requireShim();
        try (NativeBackend cpu = new NativeBackend()) {
            cpu.createTask(NativeBody.COUNTER, 1, 0, NativeBackend.DEFAULT_STACK);
            assertEquals(JnaShimCalls.INSTANCE.live(), NativeBackend.CALLS.live(), "one copy of the shim's state");
            assertEquals(JnaShimCalls.INSTANCE.arch(), NativeBackend.CALLS.arch());
        }
    }
}
