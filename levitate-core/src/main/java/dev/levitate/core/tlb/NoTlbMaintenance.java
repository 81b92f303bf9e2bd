package dev.levitate.core.tlb;

/** The no-op port behind {@link TlbMaintenance#none()}. */
enum NoTlbMaintenance implements TlbMaintenance {
    INSTANCE;

    @Override public void vae1(long va, int asid) { }
    @Override public void vale1(long va, int asid) { }
    @Override public void vaae1(long va) { }
    @Override public void vaale1(long va) { }
    @Override public void aside1(int asid) { }
    @Override public void vmalle1() { }
    @Override public void dsb() { }
}
