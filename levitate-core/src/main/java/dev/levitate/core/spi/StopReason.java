package dev.levitate.core.spi;

import dev.levitate.core.LevitateException;
import java.util.Objects;

/**
 * Why {@link CpuBackend#resume} returned: the context yielded, exited, was preempted by the timer,
 * made a system call, faulted, or ran out of budget; or the whole machine halted.
 *
 * @param kind what happened
 * @param pc the program counter at the stop (the instruction after SVC for a system call, the
 *     faulting instruction for a fault)
 * @param value the exit code for {@link Kind#EXITED}, the system-call number for
 *     {@link Kind#SYSCALL}, otherwise 0
 * @param syndrome the ESR_EL1 value for {@link Kind#FAULTED} and {@link Kind#SYSCALL}, otherwise 0
 * @param faultAddress the FAR_EL1 value for a data or instruction abort, otherwise 0
 * @param detail a human-readable description ("data abort, translation fault level 3, write")
 */
public record StopReason(Kind kind, long pc, long value, long syndrome, long faultAddress, String detail) {

    /** What made a context stop. */
    public enum Kind {
        /** The context gave up the CPU voluntarily and can be resumed. */
        YIELDED,
        /** The context finished; {@code value} is its exit code. It cannot be resumed. */
        EXITED,
        /** The timer fired after the quantum given to {@code resume}; it can be resumed. */
        PREEMPTED,
        /** A system call (SVC) the kernel must serve; {@code value} is its number. */
        SYSCALL,
        /** An exception the context cannot continue from (abort, undefined instruction, …). */
        FAULTED,
        /** The instruction or cycle budget ran out; it can be resumed. */
        BUDGET_EXHAUSTED,
        /** The machine itself stopped (PSCI SYSTEM_OFF, semihosting exit). */
        HALTED
    }

    /**
     * Validates the reason.
     *
     * @throws NullPointerException if kind or detail is null
     *
     * @param kind the {@code kind} component, as described on the record
     * @param pc the {@code pc} component, as described on the record
     * @param value the {@code value} component, as described on the record
     * @param syndrome the {@code syndrome} component, as described on the record
     * @param faultAddress the {@code faultAddress} component, as described on the record
     * @param detail the {@code detail} component, as described on the record
     */
    public StopReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * A voluntary yield.
     *
     * @param pc where the context will continue
     * @return the reason
     */
    public static StopReason yielded(long pc) {
        return new StopReason(Kind.YIELDED, pc, 0, 0, 0, "yield");
    }

    /**
     * A normal exit.
     *
     * @param pc where the exit happened
     * @param code the exit code
     * @return the reason
     */
    public static StopReason exited(long pc, long code) {
        return new StopReason(Kind.EXITED, pc, code, 0, 0, "exit(" + code + ")");
    }

    /**
     * A timer preemption.
     *
     * @param pc where the context will continue
     * @return the reason
     */
    public static StopReason preempted(long pc) {
        return new StopReason(Kind.PREEMPTED, pc, 0, 0, 0, "timer preemption");
    }

    /**
     * A system call.
     *
     * @param pc the address after the SVC
     * @param number the system-call number
     * @param esr the ESR_EL1 value (EC = 0x15)
     * @return the reason
     */
    public static StopReason syscall(long pc, long number, long esr) {
        return new StopReason(Kind.SYSCALL, pc, number, esr, 0, "svc, syscall " + number);
    }

    /**
     * A fault.
     *
     * @param pc the faulting instruction
     * @param esr the ESR_EL1 value
     * @param far the FAR_EL1 value (0 when the exception sets none)
     * @param detail what the fault was, in words
     * @return the reason
     */
    public static StopReason faulted(long pc, long esr, long far, String detail) {
        return new StopReason(Kind.FAULTED, pc, 0, esr, far, detail);
    }

    /**
     * An exhausted budget.
     *
     * @param pc where the context will continue
     * @return the reason
     */
    public static StopReason budgetExhausted(long pc) {
        return new StopReason(Kind.BUDGET_EXHAUSTED, pc, 0, 0, 0, "budget exhausted");
    }

    /**
     * A halted machine.
     *
     * @param pc where it halted
     * @param code the status the machine halted with
     * @param detail how it halted
     * @return the reason
     */
    public static StopReason halted(long pc, long code, String detail) {
        return new StopReason(Kind.HALTED, pc, code, 0, 0, detail);
    }

    /**
     * Tells whether the context can be resumed after this stop.
     *
     * @return true for YIELDED, PREEMPTED, SYSCALL and BUDGET_EXHAUSTED
     */
    public boolean resumable() {
        return kind == Kind.YIELDED || kind == Kind.PREEMPTED || kind == Kind.SYSCALL || kind == Kind.BUDGET_EXHAUSTED;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.name()).append(" at pc=").append(LevitateException.hex(pc)).append(": ").append(detail);
        if (kind == Kind.FAULTED) {
            sb.append(" (ESR=0x").append(Long.toHexString(syndrome)).append(", FAR=").append(LevitateException.hex(faultAddress)).append(')');
        }
        return sb.toString();
    }
}
