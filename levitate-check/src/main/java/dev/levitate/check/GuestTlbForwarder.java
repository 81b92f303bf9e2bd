package dev.levitate.check;

import dev.levitate.core.tlb.TlbMaintenance;
import dev.levitate.sim.cpu.Cpu;
import dev.levitate.a64.SystemOperation;
import java.util.Objects;

/**
 * Forwards the TLBIs and DSBs the guest executes ({@link Cpu.MaintenanceListener}) to a
 * {@link TlbMaintenance} port — the testkit's recorder and TLB model — decoding each TLBI's Xt
 * operand as the Arm ARM lays it out (C5.5): VA[55:12] in bits [43:0] (sign-extended from VA bit 55,
 * so an upper-half VA comes back whole), ASID in bits [63:48]. The inner-shareable forms ({@code
 * …IS}) reach the same port as the local ones: the simulated machine has one core.
 */
public final class GuestTlbForwarder implements Cpu.MaintenanceListener {
    private final TlbMaintenance target;
    private final Cpu cpu;
    private final GuestTrace trace;

    /**
     * Creates a forwarder.
     *
     * @param target where the decoded operations go
     */
    public GuestTlbForwarder(TlbMaintenance target) {
        this(target, null, null);
    }

    /**
     * Creates a forwarder that also records each TLBI and DSB, with its PC, in a kernel's trace.
     *
     * @param target where the decoded operations go
     * @param kernel the kernel whose CPU and trace to use
     */
    public GuestTlbForwarder(TlbMaintenance target, GuestKernel kernel) {
        this(target, kernel.machine().cpu(), kernel.trace());
    }

    private GuestTlbForwarder(TlbMaintenance target, Cpu cpu, GuestTrace trace) {
        this.target = Objects.requireNonNull(target, "target");
        this.cpu = cpu;
        this.trace = trace;
    }

    /**
     * Returns the VA a TLBI operand names: bits [43:0] are VA[55:12], sign-extended from bit 55.
     *
     * @param operand the Xt value
     * @return the page's VA
     */
    public static long va(long operand) {
        return ((operand & ((1L << 44) - 1)) << 20) >> 8;
    }

    /**
     * Returns the ASID a TLBI operand names (bits [63:48]).
     *
     * @param operand the Xt value
     * @return the ASID
     */
    public static int asid(long operand) {
        return (int) (operand >>> 48);
    }

    @Override
    public void tlbi(SystemOperation op, long operand) {
        if (trace != null) {
            trace.add(GuestTrace.TLBI, cpu.pc(), operand);
        }
        switch (op) {
            case TLBI_VAE1, TLBI_VAE1IS -> target.vae1(va(operand), asid(operand));
            case TLBI_VALE1, TLBI_VALE1IS -> target.vale1(va(operand), asid(operand));
            case TLBI_VAAE1, TLBI_VAAE1IS -> target.vaae1(va(operand));
            case TLBI_VAALE1, TLBI_VAALE1IS -> target.vaale1(va(operand));
            case TLBI_ASIDE1, TLBI_ASIDE1IS -> target.aside1(asid(operand));
            case TLBI_VMALLE1, TLBI_VMALLE1IS -> target.vmalle1();
            default -> throw new IllegalStateException("not a TLBI: " + op);
        }
    }

    @Override
    public void dsb(int crm) {
        if (trace != null) {
            trace.add(GuestTrace.DSB, cpu.pc(), crm);
        }
        target.dsb();
    }
}
