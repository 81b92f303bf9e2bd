package dev.levitate.nativebackend;

/** {@link ShimCalls} through {@link Shim}'s JNA direct-mapped natives. */
final class JnaShimCalls implements ShimCalls {
    static final JnaShimCalls INSTANCE = new JnaShimCalls();

    private JnaShimCalls() {
    }

    @Override
    public String name() {
        return "jna";
    }

    @Override
    public int abiVersion() {
        return Shim.lv_abi_version();
    }

    @Override
    public String arch() {
        return Shim.lv_arch();
    }

    @Override
    public int layout(int what) {
        return Shim.lv_layout(what);
    }

    @Override
    public int create(int body, long a0, long a1, long[] program, int programPairs, long stackSize) {
        return Shim.lv_create(body, a0, a1, program, programPairs, stackSize);
    }

    @Override
    public int resume(int id) {
        return Shim.lv_resume(id);
    }

    @Override
    public long value(int id) {
        return Shim.lv_value(id);
    }

    @Override
    public long saved(int id, int offset) {
        return Shim.lv_saved(id, offset);
    }

    @Override
    public long stackLow(int id) {
        return Shim.lv_stack_low(id);
    }

    @Override
    public long stackHigh(int id) {
        return Shim.lv_stack_high(id);
    }

    @Override
    public int destroy(int id) {
        return Shim.lv_destroy(id);
    }

    @Override
    public int live() {
        return Shim.lv_live();
    }

    @Override
    public long cycles() {
        return Shim.lv_cycles();
    }

    @Override
    public long benchSwitchNanos(long switches) {
        return Shim.lv_bench_switch_ns(switches);
    }

    @Override
    public long benchSwapcontextNanos(long switches) {
        return Shim.lv_bench_swapcontext_ns(switches);
    }
}
