package dev.levitate.sim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.levitate.sim.cpu.StopKind;
import dev.levitate.sim.gic.GicV2;
import dev.levitate.a64.A64Assembler;
import dev.levitate.a64.SystemRegister;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The PL011's receive interrupt (SPI 1, ID 33) through the GIC into the guest: an echo program. */
class UartInterruptTest {
    @Test
    void receivedBytesRaiseIrq33AndTheGuestEchoesThem() {
        StringBuilder out = new StringBuilder();
        Machine m = new Machine(16L << 20, b -> out.append((char) b), b -> { }, b -> { });
        long base = Machine.RAM_BASE;
        A64Assembler a = new A64Assembler(base);
        A64Assembler.Label main = a.label();
        // vectors: only +0x280 (IRQ, current EL, SPx) does something
        for (int entry = 0; entry < 16; entry++) {
            if (entry == 5) {
                a.mov64(1, GicV2.CPU_INTERFACE_BASE).ldrw(2, 1, 0x0C);        // IAR
                a.mov64(3, Machine.UART_BASE).ldrw(4, 3, 0x000).strw(4, 3, 0x000); // read DR, echo it
                a.add(5, 5, 2);                                                  // sum of the IDs taken
                a.strw(2, 1, 0x10).eret();                                       // EOIR
                while ((a.here() - base) % 128 != 0) {
                    a.brk(1);
                }
            } else {
                a.brk(entry);
                for (int pad = 1; pad < 32; pad++) {
                    a.brk(entry);
                }
            }
        }
        a.bind(main);
        a.mov64(0, base).msr(SystemRegister.VBAR_EL1, 0);
        a.mov64(1, GicV2.DISTRIBUTOR_BASE).movz(0, 1, 0).strw(0, 1, 0x000);     // GICD_CTLR
        a.movz(0, 1 << (Machine.UART_INTERRUPT - 32), 0).strw(0, 1, 0x104);      // ISENABLER1: ID 33
        a.mov64(1, GicV2.CPU_INTERFACE_BASE).movz(0, 0xF0, 0).strw(0, 1, 0x04).movz(0, 1, 0).strw(0, 1, 0x00);
        a.mov64(1, Machine.UART_BASE).movz(0, 1 << 4, 0).strw(0, 1, 0x038);      // UARTIMSC.RXIM
        a.movz(5, 0, 0).daifClr(2);
        A64Assembler.Label idle = a.label();
        a.bind(idle).wfi().b(idle);
        byte[] code = a.assembleBytes();
        m.loadRaw(base, code);
        m.cpu().setPc(base + 16 * 128);
        m.uartInput("hi!".getBytes(StandardCharsets.US_ASCII));
        StopKind k = m.run(10_000);
        assertEquals(StopKind.WAIT, k, "after echoing everything, WFI has nothing left to wait for");
        assertEquals("hi!", out.toString());
        assertEquals(3 * Machine.UART_INTERRUPT, m.cpu().reg(5), "three interrupts, each ID 33");
        assertEquals(3, m.gic().acknowledged());
    }
}
