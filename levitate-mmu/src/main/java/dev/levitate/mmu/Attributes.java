package dev.levitate.mmu;

import static dev.levitate.mmu.Descriptor.AF_BIT;
import static dev.levitate.mmu.Descriptor.AP_SHIFT;
import static dev.levitate.mmu.Descriptor.AP_WIDTH;
import static dev.levitate.mmu.Descriptor.ATTR_INDX_SHIFT;
import static dev.levitate.mmu.Descriptor.ATTR_INDX_WIDTH;
import static dev.levitate.mmu.Descriptor.NG_BIT;
import static dev.levitate.mmu.Descriptor.PXN_BIT;
import static dev.levitate.mmu.Descriptor.SH_SHIFT;
import static dev.levitate.mmu.Descriptor.SH_WIDTH;
import static dev.levitate.mmu.Descriptor.SW_SHIFT;
import static dev.levitate.mmu.Descriptor.SW_WIDTH;
import static dev.levitate.mmu.Descriptor.UXN_BIT;
import static dev.levitate.mmu.Descriptor.bit;
import static dev.levitate.mmu.Descriptor.get;

import java.util.Objects;

/**
 * The attributes of a leaf (block or page) descriptor, as an immutable value (ARM ARM D8.3.2,
 * "Attribute fields in stage 1 VMSAv8-64 Block and Page descriptors").
 *
 * @param memoryType the memory type, by MAIR index
 * @param access the data access permissions AP[2:1]
 * @param shareability SH[1:0]
 * @param privilegedExecuteNever PXN: EL1 may not execute
 * @param unprivilegedExecuteNever UXN: EL0 may not execute
 * @param notGlobal nG: the translation belongs to one ASID (user mappings)
 * @param accessFlag AF: without it the first access faults (no hardware AF update here)
 * @param software the four software-use bits [58:55], 0..15
 */
public record Attributes(MemoryType memoryType, AccessPermission access, Shareability shareability,
                         boolean privilegedExecuteNever, boolean unprivilegedExecuteNever, boolean notGlobal,
                         boolean accessFlag, int software) {

    /** Kernel text: EL1 read-only and executable, EL0 nothing (the original KERNEL_CODE). */
    public static final Attributes KERNEL_CODE = new Attributes(MemoryType.NORMAL_WB, AccessPermission.RO_EL1,
            Shareability.INNER, false, true, false, true, 0);
    /** Kernel read-only data: EL1 read-only, never executable. */
    public static final Attributes KERNEL_RODATA = new Attributes(MemoryType.NORMAL_WB, AccessPermission.RO_EL1,
            Shareability.INNER, true, true, false, true, 0);
    /** Kernel data: EL1 read/write, never executable (the original KERNEL_DATA). */
    public static final Attributes KERNEL_DATA = new Attributes(MemoryType.NORMAL_WB, AccessPermission.RW_EL1,
            Shareability.INNER, true, true, false, true, 0);
    /** MMIO: Device-nGnRE, EL1 read/write, never executable (the original DEVICE). */
    public static final Attributes DEVICE = new Attributes(MemoryType.DEVICE_NGNRE, AccessPermission.RW_EL1,
            Shareability.NON, true, true, false, true, 0);
    /** User text: EL0+EL1 read-only, EL0-executable only, per-ASID (the original USER_CODE). */
    public static final Attributes USER_CODE = new Attributes(MemoryType.NORMAL_WB, AccessPermission.RO_ALL,
            Shareability.INNER, true, false, true, true, 0);
    /** User read-only data. */
    public static final Attributes USER_RODATA = new Attributes(MemoryType.NORMAL_WB, AccessPermission.RO_ALL,
            Shareability.INNER, true, true, true, true, 0);
    /** User data: EL0+EL1 read/write, never executable, per-ASID (the original USER_DATA). */
    public static final Attributes USER_DATA = new Attributes(MemoryType.NORMAL_WB, AccessPermission.RW_ALL,
            Shareability.INNER, true, true, true, true, 0);
    /** User stack: as user data. */
    public static final Attributes USER_STACK = USER_DATA;

    /**
     * Validates the value.
     *
     * @param memoryType the {@code memoryType} component
     * @param access the {@code access} component
     * @param shareability the {@code shareability} component
     * @param privilegedExecuteNever the {@code privilegedExecuteNever} component
     * @param unprivilegedExecuteNever the {@code unprivilegedExecuteNever} component
     * @param notGlobal the {@code notGlobal} component
     * @param accessFlag the {@code accessFlag} component
     * @param software the {@code software} component
     * @throws IllegalArgumentException if {@code software} is outside 0..15
     */
    public Attributes {
        Objects.requireNonNull(memoryType, "memoryType");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(shareability, "shareability");
        if (software < 0 || software >= 1 << SW_WIDTH) {
            throw new IllegalArgumentException("software bits " + software + " do not fit in " + SW_WIDTH + " bits");
        }
    }

    /**
     * Returns the descriptor bits these attributes stand for (no type, no address).
     *
     * @return the attribute bits
     */
    public long bits() {
        long b = ((long) memoryType.index() << ATTR_INDX_SHIFT)
                | ((long) access.bits() << AP_SHIFT)
                | ((long) shareability.bits() << SH_SHIFT)
                | ((long) software << SW_SHIFT);
        if (accessFlag) {
            b |= bit(AF_BIT);
        }
        if (notGlobal) {
            b |= bit(NG_BIT);
        }
        if (privilegedExecuteNever) {
            b |= bit(PXN_BIT);
        }
        if (unprivilegedExecuteNever) {
            b |= bit(UXN_BIT);
        }
        return b;
    }

    /**
     * Decodes the attributes of a leaf descriptor.
     *
     * @param d a block or page descriptor
     * @return its attributes
     * @throws IllegalArgumentException if AttrIndx or SH holds a value Levitate never writes
     */
    public static Attributes fromDescriptor(long d) {
        return new Attributes(
                MemoryType.ofIndex(get(d, ATTR_INDX_SHIFT, ATTR_INDX_WIDTH)),
                AccessPermission.ofBits(get(d, AP_SHIFT, AP_WIDTH)),
                Shareability.ofBits(get(d, SH_SHIFT, SH_WIDTH)),
                (d & bit(PXN_BIT)) != 0,
                (d & bit(UXN_BIT)) != 0,
                (d & bit(NG_BIT)) != 0,
                (d & bit(AF_BIT)) != 0,
                get(d, SW_SHIFT, SW_WIDTH));
    }

    /**
     * Returns a copy with other access permissions.
     *
     * @param newAccess the permissions
     * @return the new attributes
     */
    public Attributes withAccess(AccessPermission newAccess) {
        return new Attributes(memoryType, newAccess, shareability, privilegedExecuteNever, unprivilegedExecuteNever,
                notGlobal, accessFlag, software);
    }

    /**
     * Returns a copy with the nG bit set or cleared.
     *
     * @param ng whether the mapping is per-ASID
     * @return the new attributes
     */
    public Attributes withNotGlobal(boolean ng) {
        return new Attributes(memoryType, access, shareability, privilegedExecuteNever, unprivilegedExecuteNever, ng,
                accessFlag, software);
    }

    /**
     * Returns a copy with other software bits.
     *
     * @param sw 0..15
     * @return the new attributes
     */
    public Attributes withSoftware(int sw) {
        return new Attributes(memoryType, access, shareability, privilegedExecuteNever, unprivilegedExecuteNever,
                notGlobal, accessFlag, sw);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(memoryType).append(' ').append(access);
        sb.append(" SH=").append(shareability.name().toLowerCase(java.util.Locale.ROOT));
        if (accessFlag) {
            sb.append(" AF");
        }
        if (notGlobal) {
            sb.append(" nG");
        }
        if (privilegedExecuteNever) {
            sb.append(" PXN");
        }
        if (unprivilegedExecuteNever) {
            sb.append(" UXN");
        }
        if (software != 0) {
            sb.append(" SW=").append(software);
        }
        return sb.toString();
    }
}
