package dev.levitate.check;

import dev.levitate.mmu.Half;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a kernel's page-table API maps onto the testkit's operations: which symbol maps a page,
 * unmaps one, maps and unmaps a range, protects; how each lays out its arguments; what its return
 * codes mean; where the root table is; which symbols allocate and free frames. Built in Java
 * ({@link #builder()}) or read from a text file ({@link #parse(String)}), one {@code key = value}
 * per line, {@code #} comments:
 *
 * <pre>
 * map         = mmu_map_page root va pa attrs      # the operation, then its arguments in x0, x1, ...
 * unmap       = mmu_unmap_page root va
 * map_range   = mmu_map_range root va pa size attrs blocks
 * unmap_range = mmu_unmap_range root va pages
 * protect     = mmu_protect root va size attrs
 * init        = mmu_init                           # called once; may return the root
 * root        = result                             # result | symbol NAME | ttbr0 | ttbr1
 * boot        = kmain                              # optional: run from the ELF entry to here first
 * alloc       = alloc_page                         # serviced by the host: returns a zeroed frame or 0
 * free        = free_page                          # serviced by the host: frees x0
 * half = lower
 * va_bits = 48
 * asid = 0
 * reclaim = eager                                  # eager | none
 * error.misaligned = -1                            # return codes (0 is success)
 * error.out_of_range = -2
 * error.mapped = -3
 * error.conflict = -4
 * error.not_mapped = -5
 * error.no_memory = -6
 * ram = 0x8000000                                  # bytes of RAM at 0x4000_0000
 * frames = 0x44000000 0x2000000                    # where the host allocator's frames are
 * budget = 2000000                                 # instructions per call
 * result = int                                     # int: the codes are 32-bit (w0), sign-extended; long: x0
 * </pre>
 *
 * Argument names: {@code va}, {@code pa}, {@code size} (bytes), {@code pages} (size / 4096),
 * {@code attrs} (the leaf descriptor's attribute bits as levitate-mmu's {@code Attributes.bits()}
 * gives them: AttrIndx, AP, SH, AF, nG, PXN, UXN, software bits — Arm ARM D8.3), {@code blocks} (1 if
 * 2 MiB / 1 GiB blocks may be used, else 0), {@code root} (the root table's PA), {@code asid}.
 *
 * <p>Immutable.
 */
public final class KernelBinding {
    /** An argument a bound function takes, in its register order. */
    public enum Arg {
        /** The VA of the page or of the range's first page. */
        VA,
        /** The PA of the frame or of the range's first frame. */
        PA,
        /** The length of the range in bytes. */
        SIZE,
        /** The length of the range in 4 KiB pages. */
        PAGES,
        /** The leaf attribute bits (levitate-mmu's {@code Attributes.bits()}). */
        ATTRS,
        /** 1 if blocks may be used, else 0. */
        BLOCKS,
        /** The root table's PA. */
        ROOT,
        /** The address space's ASID. */
        ASID
    }

    /** The testkit operations a kernel can bind. */
    public enum Op {
        /** Maps one page. */
        MAP,
        /** Unmaps one page. */
        UNMAP,
        /** Maps a range. */
        MAP_RANGE,
        /** Unmaps a range. */
        UNMAP_RANGE,
        /** Changes the attributes of a range. */
        PROTECT
    }

    /** Why a bound function refused: the return code's meaning. */
    public enum Error {
        /** An address or size not 4 KiB aligned. */
        MISALIGNED,
        /** Outside the half or past the PA size. */
        OUT_OF_RANGE,
        /** A page of the range is mapped. */
        MAPPED,
        /** The range conflicts with a block mapping. */
        CONFLICT,
        /** A page of the range is not mapped. */
        NOT_MAPPED,
        /** No frame for a table. */
        NO_MEMORY
    }

    /** Where the root table's PA comes from. */
    public enum RootSource {
        /** The init function's result (x0). */
        RESULT,
        /** A 64-bit variable at a symbol. */
        SYMBOL,
        /** TTBR0_EL1's BADDR after set-up. */
        TTBR0,
        /** TTBR1_EL1's BADDR after set-up. */
        TTBR1
    }

    /**
     * One bound function: its symbol and argument layout.
     *
     * @param symbol the function's symbol
     * @param args its arguments, x0 first
     */
    public record Function(String symbol, List<Arg> args) {
        /**
         * Checks and copies.
         *
         * @param symbol the {@code symbol} component
         * @param args the {@code args} component
         */
        public Function {
            Objects.requireNonNull(symbol, "symbol");
            args = List.copyOf(args);
            if (args.size() > 8) {
                throw new IllegalArgumentException(symbol + ": at most 8 arguments go in registers (AAPCS64), got " + args.size());
            }
        }
    }

    private final Map<Op, Function> ops;
    private final Map<Long, Error> errors;
    private final String init;
    private final RootSource rootSource;
    private final String rootSymbol;
    private final String boot;
    private final String alloc;
    private final String free;
    private final Half half;
    private final int vaBits;
    private final int asid;
    private final boolean eager;
    private final long ramBytes;
    private final long framesBase;
    private final long framesSize;
    private final long budget;
    private final boolean intResult;

    private KernelBinding(Builder b) {
        this.ops = Collections.unmodifiableMap(new EnumMap<>(b.ops));
        this.errors = Map.copyOf(b.errors);
        this.init = b.init;
        this.rootSource = b.rootSource;
        this.rootSymbol = b.rootSymbol;
        this.boot = b.boot;
        this.alloc = b.alloc;
        this.free = b.free;
        this.half = b.half;
        this.vaBits = b.vaBits;
        this.asid = b.asid;
        this.eager = b.eager;
        this.ramBytes = b.ramBytes;
        this.framesBase = b.framesBase;
        this.framesSize = b.framesSize;
        this.budget = b.budget;
        this.intResult = b.intResult;
    }

    /**
     * Starts a binding: lower half, 48-bit VAs, ASID 0, eager reclamation, 128 MiB of RAM, frames
     * from the upper half of RAM below the top 1 MiB (the call stack), 2 000 000 instructions per
     * call.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link KernelBinding}. */
    public static final class Builder {
        private final Map<Op, Function> ops = new EnumMap<>(Op.class);
        private final Map<Long, Error> errors = new HashMap<>();
        private String init;
        private RootSource rootSource = RootSource.RESULT;
        private String rootSymbol;
        private String boot;
        private String alloc;
        private String free;
        private Half half = Half.LOWER;
        private int vaBits = 48;
        private int asid;
        private boolean eager = true;
        private long ramBytes = 128L << 20;
        private long framesBase = -1;
        private long framesSize = -1;
        private long budget = GuestKernel.DEFAULT_BUDGET;
        private boolean intResult;

        private Builder() {
        }

        /**
         * Says the functions return a C {@code int}: only w0 holds the code (AAPCS64 leaves x0's
         * upper half unspecified), sign-extended before it is looked up. The default is a 64-bit x0.
         *
         * @param on true for 32-bit codes
         * @return this builder
         */
        public Builder intResult(boolean on) {
            this.intResult = on;
            return this;
        }

        /**
         * Binds an operation to a function.
         *
         * @param op the testkit operation
         * @param symbol the function
         * @param args its arguments, x0 first
         * @return this builder
         */
        public Builder bind(Op op, String symbol, Arg... args) {
            ops.put(Objects.requireNonNull(op, "op"), new Function(symbol, List.of(args)));
            return this;
        }

        /**
         * Says what a return code means (0 is success).
         *
         * @param code the value in x0
         * @param error its meaning
         * @return this builder
         */
        public Builder error(long code, Error error) {
            if (code == 0) {
                throw new IllegalArgumentException("0 is success; an error code must be another value (" + error + ")");
            }
            errors.put(code, Objects.requireNonNull(error, "error"));
            return this;
        }

        /**
         * Sets the function called once after loading (and booting) the kernel, before any operation.
         *
         * @param symbol the function (no arguments)
         * @return this builder
         */
        public Builder init(String symbol) {
            this.init = Objects.requireNonNull(symbol, "symbol");
            return this;
        }

        /**
         * Sets where the root table's PA comes from.
         *
         * @param source the source
         * @param symbol the variable's symbol for {@link RootSource#SYMBOL}, else ignored (null)
         * @return this builder
         */
        public Builder root(RootSource source, String symbol) {
            this.rootSource = Objects.requireNonNull(source, "source");
            if (source == RootSource.SYMBOL && symbol == null) {
                throw new IllegalArgumentException("root = symbol needs the variable's symbol");
            }
            this.rootSymbol = symbol;
            return this;
        }

        /**
         * Runs the kernel from its ELF entry to a symbol before anything else (its boot code).
         *
         * @param symbol where to stop
         * @return this builder
         */
        public Builder boot(String symbol) {
            this.boot = Objects.requireNonNull(symbol, "symbol");
            return this;
        }

        /**
         * Sets the frame allocation and free functions, serviced by the host's tracking allocator.
         *
         * @param allocSymbol returns a zeroed 4 KiB frame's PA, or 0
         * @param freeSymbol frees the frame in x0
         * @return this builder
         */
        public Builder frames(String allocSymbol, String freeSymbol) {
            this.alloc = Objects.requireNonNull(allocSymbol, "allocSymbol");
            this.free = Objects.requireNonNull(freeSymbol, "freeSymbol");
            return this;
        }

        /**
         * Sets the region the host hands frames out of.
         *
         * @param base its PA, 4 KiB aligned
         * @param size its length in bytes
         * @return this builder
         */
        public Builder frameRegion(long base, long size) {
            if ((base & 0xFFF) != 0 || size <= 0 || (size & 0xFFF) != 0) {
                throw new IllegalArgumentException(String.format("frame region 0x%x + 0x%x is not 4 KiB aligned", base, size));
            }
            this.framesBase = base;
            this.framesSize = size;
            return this;
        }

        /**
         * Sets the half, VA size and ASID of the address space the functions edit.
         *
         * @param h the half
         * @param bits 39 or 48
         * @param asidValue the ASID its non-global entries carry
         * @return this builder
         */
        public Builder space(Half h, int bits, int asidValue) {
            if (bits != 39 && bits != 48) {
                throw new IllegalArgumentException("va_bits must be 39 or 48, got " + bits);
            }
            this.half = Objects.requireNonNull(h, "half");
            this.vaBits = bits;
            this.asid = asidValue;
            return this;
        }

        /**
         * Says whether unmap frees the tables it empties (eager), or never frees them.
         *
         * @param on true for eager
         * @return this builder
         */
        public Builder eagerReclaim(boolean on) {
            this.eager = on;
            return this;
        }

        /**
         * Sets the machine's RAM size.
         *
         * @param bytes a multiple of 4 KiB
         * @return this builder
         */
        public Builder ram(long bytes) {
            this.ramBytes = bytes;
            return this;
        }

        /**
         * Sets the instruction budget of each call.
         *
         * @param instructions at least 1
         * @return this builder
         */
        public Builder budget(long instructions) {
            this.budget = instructions;
            return this;
        }

        /**
         * Builds the binding.
         *
         * @return the binding
         * @throws IllegalStateException if map, unmap, alloc or free is missing
         */
        public KernelBinding build() {
            if (!ops.containsKey(Op.MAP) || !ops.containsKey(Op.UNMAP)) {
                throw new IllegalStateException("a binding needs at least map and unmap; it has " + ops.keySet());
            }
            if (alloc == null) {
                throw new IllegalStateException("a binding needs alloc and free (the frame allocator the tables come from)");
            }
            if (framesBase < 0) {
                framesBase = 0x4000_0000L + ramBytes / 2;
                framesSize = ramBytes / 2 - (1L << 20);
            }
            return new KernelBinding(this);
        }
    }

    /**
     * Reads a binding from its text form (see the class comment).
     *
     * @param text the file's contents
     * @return the binding
     * @throws IllegalArgumentException naming the line that is malformed
     */
    public static KernelBinding parse(String text) {
        Builder b = builder();
        String[] lines = text.split("\n", -1);
        String rootLine = null;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("binding line " + (n + 1) + ": expected key = value, got '" + line + "'");
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String[] v = line.substring(eq + 1).strip().split("\\s+");
            try {
                switch (key) {
                    case "map", "unmap", "map_range", "unmap_range", "protect" -> {
                        Arg[] args = new Arg[v.length - 1];
                        for (int i = 1; i < v.length; i++) {
                            args[i - 1] = Arg.valueOf(v[i].toUpperCase(Locale.ROOT));
                        }
                        b.bind(Op.valueOf(key.toUpperCase(Locale.ROOT)), v[0], args);
                    }
                    case "init" -> b.init(v[0]);
                    case "boot" -> b.boot(v[0]);
                    case "root" -> rootLine = String.join(" ", v);
                    case "alloc" -> b.alloc = v[0];
                    case "free" -> b.free = v[0];
                    case "half" -> b.half = Half.valueOf(v[0].toUpperCase(Locale.ROOT));
                    case "va_bits" -> b.space(b.half, Integer.parseInt(v[0]), b.asid);
                    case "asid" -> b.asid = (int) number(v[0]);
                    case "reclaim" -> b.eager = switch (v[0]) {
                        case "eager" -> true;
                        case "none" -> false;
                        default -> throw new IllegalArgumentException("reclaim is eager or none, got " + v[0]);
                    };
                    case "ram" -> b.ram(number(v[0]));
                    case "frames" -> b.frameRegion(number(v[0]), number(v[1]));
                    case "budget" -> b.budget(number(v[0]));
                    case "result" -> b.intResult = switch (v[0]) {
                        case "int" -> true;
                        case "long" -> false;
                        default -> throw new IllegalArgumentException("result is int or long, got " + v[0]);
                    };
                    default -> {
                        if (!key.startsWith("error.")) {
                            throw new IllegalArgumentException("unknown key '" + key + "'");
                        }
                        b.error(number(v[0]), Error.valueOf(key.substring(6).toUpperCase(Locale.ROOT)));
                    }
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("binding line " + (n + 1) + " ('" + line + "'): " + e.getMessage(), e);
            }
        }
        if (rootLine != null) {
            String[] v = rootLine.split(" ");
            RootSource s = RootSource.valueOf(v[0].toUpperCase(Locale.ROOT));
            b.root(s, v.length > 1 ? v[1] : null);
        }
        if (b.free == null && b.alloc != null) {
            throw new IllegalArgumentException("binding: alloc without free");
        }
        return b.build();
    }

    private static long number(String s) {
        String t = s.replace("_", "");
        boolean neg = t.startsWith("-");
        if (neg) {
            t = t.substring(1);
        }
        long v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        return neg ? -v : v;
    }

    /**
     * Returns the function bound to an operation.
     *
     * @param op the operation
     * @return the function, or null if the kernel has none
     */
    public Function function(Op op) {
        return ops.get(op);
    }

    /**
     * Returns the operations bound.
     *
     * @return them
     */
    public java.util.Set<Op> operations() {
        return ops.keySet();
    }

    /**
     * Returns the meaning of a return code.
     *
     * @param code x0
     * @return the error, or null if the code is not bound
     */
    public Error error(long code) {
        return errors.get(code);
    }

    /** @return the init function's symbol, or null */
    public String init() {
        return init;
    }

    /** @return where the root comes from */
    public RootSource rootSource() {
        return rootSource;
    }

    /** @return the root variable's symbol for {@link RootSource#SYMBOL}, else null */
    public String rootSymbol() {
        return rootSymbol;
    }

    /** @return the symbol to boot to, or null */
    public String boot() {
        return boot;
    }

    /** @return the frame allocation function's symbol */
    public String alloc() {
        return alloc;
    }

    /** @return the frame free function's symbol */
    public String free() {
        return free;
    }

    /** @return the half */
    public Half half() {
        return half;
    }

    /** @return the VA size */
    public int vaBits() {
        return vaBits;
    }

    /** @return the ASID */
    public int asid() {
        return asid;
    }

    /** @return whether unmap frees emptied tables */
    public boolean eagerReclaim() {
        return eager;
    }

    /** @return the RAM size in bytes */
    public long ramBytes() {
        return ramBytes;
    }

    /** @return the first PA of the host allocator's region */
    public long framesBase() {
        return framesBase;
    }

    /** @return the host allocator's region size in bytes */
    public long framesSize() {
        return framesSize;
    }

    /** @return the instruction budget of a call */
    public long budget() {
        return budget;
    }

    /**
     * Reads the return code of a bound function from x0.
     *
     * @param x0 the register
     * @return the code: x0, or w0 sign-extended for {@code result = int}
     */
    public long code(long x0) {
        return intResult ? (int) x0 : x0;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        ops.forEach((op, f) -> parts.add(op.name().toLowerCase(Locale.ROOT) + " = " + f.symbol() + " " + f.args()));
        return "KernelBinding" + parts;
    }
}
