package dev.levitate.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.levitate.core.mem.PhysicalMemory;
import dev.levitate.core.spi.BackendConfig;
import dev.levitate.core.spi.ContextId;
import dev.levitate.core.spi.ContextSpec;
import dev.levitate.core.spi.CpuBackend;
import dev.levitate.core.spi.CpuBackends;
import dev.levitate.core.spi.ExceptionLevel;
import dev.levitate.core.spi.SavedContextLayout;
import dev.levitate.core.spi.StopReason;
import dev.levitate.core.spi.UnknownContextException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NativeBackendTest {
    NativeBackend cpu;
    int liveBefore;

    @BeforeEach
    void setUp() {
        NativeTools.requireShim();
        cpu = new NativeBackend();
        liveBefore = NativeBackend.liveContextsInShim();
    }

    @AfterEach
    void tearDown() {
        if (cpu != null) {
            cpu.close();
            assertEquals(liveBefore, NativeBackend.liveContextsInShim(), "contexts leaked in the shim");
        }
    }

    @Test
    void theShimUsesTheOneSavedContextLayout() {
        assertEquals(SavedContextLayout.SIZE, NativeBackend.CALLS.layout(0));
        assertEquals(SavedContextLayout.FP, NativeBackend.CALLS.layout(1));
        assertEquals(SavedContextLayout.LR, NativeBackend.CALLS.layout(2));
        assertEquals(SavedContextLayout.SP, NativeBackend.CALLS.layout(3));
        assertEquals(SavedContextLayout.X19, NativeBackend.CALLS.layout(4));
    }

    @Test
    void thousandsOfSwitchesPreserveEveryCalleeSavedRegisterAndSp() {
        List<ContextId> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(cpu.createTask(NativeBody.REGCHECK, 0x0101_0101_0000_0000L * (i + 1), 1000, NativeBackend.DEFAULT_STACK));
        }
        int switches = 0;
        List<ContextId> running = new ArrayList<>(tasks);
        while (!running.isEmpty()) {
            for (ContextId t : List.copyOf(running)) {
                StopReason r = cpu.resume(t, 0);
                switches += 2;
                if (r.kind() == StopReason.Kind.YIELDED) {
                    long sp = cpu.readRegister(t, 31);
                    long[] range = cpu.stackRange(t);
                    assertEquals(0, sp & 15, "saved sp " + Long.toHexString(sp) + " is not 16-byte aligned");
                    assertTrue(sp > range[0] && sp <= range[1], "saved sp outside the task's stack");
                } else {
                    assertEquals(StopReason.Kind.EXITED, r.kind(), r.toString());
                    assertEquals(0, r.value(), "rounds in which a callee-saved register changed across a switch");
                    running.remove(t);
                    cpu.destroyContext(t);
                }
            }
        }
        assertTrue(switches >= 10_000, "switches: " + switches);
    }

    @Test
    void createRunExitAndReap() {
        ContextId t = cpu.createTask(NativeBody.COUNTER, 3, 0, NativeBackend.DEFAULT_STACK);
        Map<String, Long> regs = cpu.savedRegisters(t);
        assertTrue(regs.size() >= 8, regs.toString());
        for (int i = 0; i < 3; i++) {
            assertEquals(StopReason.Kind.YIELDED, cpu.resume(t, 0).kind());
        }
        StopReason end = cpu.resume(t, 0);
        assertEquals(StopReason.Kind.EXITED, end.kind());
        assertEquals(3, end.value());
        assertFalse(end.resumable());
        assertThrows(IllegalStateException.class, () -> cpu.resume(t, 0), "an exited task cannot run again");
        cpu.destroyContext(t);
        assertEquals(liveBefore, NativeBackend.liveContextsInShim());
        assertThrows(UnknownContextException.class, () -> cpu.resume(t, 0), "a reaped id is unknown");
        assertThrows(UnknownContextException.class, () -> cpu.destroyContext(t));
    }

    @Test
    void foreignAndMadeUpIdsAreRefusedNotDereferenced() {
        assertThrows(UnknownContextException.class, () -> cpu.resume(new ContextId("sim", 1), 0));
        assertThrows(UnknownContextException.class, () -> cpu.resume(new ContextId("native", 123_456), 0));
        assertThrows(UnknownContextException.class, () -> cpu.resume(new ContextId("native", -1), 0));
        assertThrows(UnknownContextException.class, () -> cpu.resume(null, 0));
        assertEquals(-1, NativeBackend.CALLS.resume(987_654), "the shim itself refuses a made-up id");
    }

    @Test
    void aScriptStopsWhereItsStepsSay() {
        ContextId t = cpu.createScript(Script.create().compute(10_000).yieldCpu().sleep(7).compute(5).exit(42));
        assertEquals(StopReason.Kind.YIELDED, cpu.resume(t, 0).kind());
        StopReason sleep = cpu.resume(t, 0);
        assertEquals(StopReason.Kind.SYSCALL, sleep.kind());
        assertEquals(NativeBackend.SYSCALL_SLEEP, sleep.value());
        assertEquals(7, cpu.readRegister(t, 0));
        StopReason end = cpu.resume(t, 0);
        assertEquals(42, end.value());
        assertThrows(IllegalArgumentException.class, () -> cpu.createScript(Script.create()));
        assertThrows(IllegalArgumentException.class, () -> Script.create().sleep(-1));
    }

    @Test
    void aStackOverflowIsAFaultAndOthersKeepRunning() {
        ContextId deep = cpu.createTask(NativeBody.RECURSE, 1_000_000, 0, NativeBackend.DEFAULT_STACK);
        ContextId other = cpu.createTask(NativeBody.COUNTER, 1, 0, NativeBackend.DEFAULT_STACK);
        StopReason r = cpu.resume(deep, 0);
        assertEquals(StopReason.Kind.FAULTED, r.kind());
        assertTrue(r.detail().contains("stack overflow"), r.detail());
        assertThrows(IllegalStateException.class, () -> cpu.resume(deep, 0));
        assertEquals(StopReason.Kind.YIELDED, cpu.resume(other, 0).kind());
        assertEquals(StopReason.Kind.EXITED, cpu.resume(other, 0).kind());
        ContextId shallow = cpu.createTask(NativeBody.RECURSE, 4, 0, NativeBackend.DEFAULT_STACK);
        assertEquals(4, cpu.resume(shallow, 0).value());
    }

    @Test
    void badRequestsAreRefused() {
        assertThrows(UnsupportedOperationException.class,
                () -> cpu.createContext(new ContextSpec("user", 0, 0x1000, 0x2000, 0, ExceptionLevel.EL0, 0x4000_0000L, 1)));
        assertThrows(IllegalArgumentException.class, () -> cpu.createContext(ContextSpec.kernel("x", 400, 0x1000, 0)));
        assertThrows(IllegalArgumentException.class, () -> cpu.createTask(NativeBody.COUNTER, 1, 0, 100));
        ContextId t = cpu.createContext(ContextSpec.kernel("counter", 4L * NativeBody.COUNTER.ordinal(), 0x1000, 0));
        assertEquals(StopReason.Kind.EXITED, cpu.resume(t, 0).kind());
        ContextId check = cpu.createContext(ContextSpec.kernel("regcheck", 4L * NativeBody.REGCHECK.ordinal(), 0x1000, 77));
        assertEquals(StopReason.Kind.EXITED, cpu.resume(check, 0).kind(), "zero rounds: exits at once");
        assertThrows(UnsupportedOperationException.class, () -> cpu.readRegister(t, 5));
        assertThrows(IllegalArgumentException.class, () -> cpu.readRegister(t, 32));
        assertThrows(IllegalArgumentException.class, () -> cpu.readSavedContext(t, 3));
    }

    @Test
    void discoveredThroughTheSpi() {
        try (CpuBackend b = CpuBackends.open("native", BackendConfig.of(PhysicalMemory.of(0x4000_0000L, 0x1000)))) {
            assertEquals("native", b.name());
            assertTrue(b.cycles() != 0);
        }
    }
}
