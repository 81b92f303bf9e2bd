package dev.levitate.sim.timer;

import static dev.levitate.sim.timer.GenericTimer.PHYSICAL;
import static dev.levitate.sim.timer.GenericTimer.VIRTUAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The generic timer's arithmetic (ARM ARM D11.2): count, CVAL, signed TVAL, ISTATUS, IMASK, next event. */
class GenericTimerTest {
    static final long ENABLE = 1, IMASK = 2, ISTATUS = 4;

    /** 1 GHz core, 62.5 MHz counter: 16 cycles per tick, as on the default machine. */
    final GenericTimer t = new GenericTimer(62_500_000L, 1_000_000_000L);

    @Test
    void theCountIsTheCycleCountScaledDown() {
        assertEquals(0, t.count(15));
        assertEquals(1, t.count(16));
        assertEquals(100, t.count(1600));
        GenericTimer odd = new GenericTimer(3, 10); // not a whole number of cycles per tick
        assertEquals(2, odd.count(9));
        assertEquals(3, odd.count(10));
        assertThrows(IllegalArgumentException.class, () -> new GenericTimer(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new GenericTimer(20, 10));
    }

    @Test
    void writingTvalSetsCvalToCountPlusTheSignedValueAndTvalCountsDownThroughZero() {
        long now = 1600; // count 100
        t.setTval(PHYSICAL, 50, now);
        assertEquals(150, t.cval(PHYSICAL));
        assertEquals(50, t.tval(PHYSICAL, now));
        assertEquals(0, t.tval(PHYSICAL, 150 * 16));
        long late = t.tval(PHYSICAL, 160 * 16);
        assertEquals(0xFFFF_FFF6L, late, "reads as 32 bits, upper half zero");
        assertEquals(-10, (int) late, "signed: 10 ticks past the deadline");
        t.setTval(PHYSICAL, 0xFFFF_FFF6L, now); // a negative TVAL: a deadline in the past
        assertEquals(90, t.cval(PHYSICAL));
        t.setTval(PHYSICAL, 0x1_0000_0005L, now); // only the low 32 bits count
        assertEquals(105, t.cval(PHYSICAL));
    }

    @Test
    void istatusNeedsEnableAndCountAtOrPastCvalAndImaskOnlyGatesTheOutput() {
        t.setCval(VIRTUAL, 10);
        assertEquals(0, t.ctl(VIRTUAL, 20 * 16) & ISTATUS, "disabled: no condition");
        t.setCtl(VIRTUAL, ENABLE);
        assertEquals(ENABLE, t.ctl(VIRTUAL, 9 * 16 + 15), "one cycle before the deadline");
        assertEquals(ENABLE | ISTATUS, t.ctl(VIRTUAL, 10 * 16));
        assertTrue(t.asserted(VIRTUAL, 10 * 16));
        t.setCtl(VIRTUAL, ENABLE | IMASK | ISTATUS); // ISTATUS is read-only
        assertEquals(ENABLE | IMASK | ISTATUS, t.ctl(VIRTUAL, 10 * 16));
        assertFalse(t.asserted(VIRTUAL, 10 * 16), "masked: the condition holds, the output is low");
        assertFalse(t.asserted(PHYSICAL, 10 * 16));
        t.setCval(VIRTUAL, -1L); // CVAL compares unsigned: never reached
        assertEquals(ENABLE | IMASK, t.ctl(VIRTUAL, Long.MAX_VALUE));
    }

    @Test
    void nextEventIsTheFirstCycleAnEnabledUnmaskedTimerFires() {
        assertEquals(Long.MAX_VALUE, t.nextEvent(0), "nothing enabled");
        t.setCval(PHYSICAL, 100);
        t.setCtl(PHYSICAL, ENABLE);
        assertEquals(1600, t.nextEvent(0));
        t.setCval(VIRTUAL, 40);
        t.setCtl(VIRTUAL, ENABLE | IMASK);
        assertEquals(1600, t.nextEvent(0), "a masked timer is no event");
        t.setCtl(VIRTUAL, ENABLE);
        assertEquals(640, t.nextEvent(0), "the earlier of the two");
        assertEquals(1600, t.nextEvent(640), "one already firing is no future event");
        assertEquals(Long.MAX_VALUE, t.nextEvent(1600));
        GenericTimer odd = new GenericTimer(3, 10);
        odd.setCval(PHYSICAL, 7);
        odd.setCtl(PHYSICAL, ENABLE);
        assertEquals(24, odd.nextEvent(0), "floor(24 * 3 / 10) = 7 and floor(23 * 3 / 10) = 6");
        assertTrue(odd.asserted(PHYSICAL, 24));
        assertFalse(odd.asserted(PHYSICAL, 23));
    }

    @Test
    void cntkctlKeepsOnlyItsDefinedBits() {
        t.setCntkctl(-1L);
        assertEquals(0x303, t.cntkctl());
    }
}
