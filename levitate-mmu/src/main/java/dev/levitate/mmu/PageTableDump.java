package dev.levitate.mmu;

import static dev.levitate.core.LevitateException.hex;

/**
 * Pictures of a {@link PageTable}: an indented text tree and Graphviz DOT, both deterministic
 * (VA order, no addresses of Java objects, no time).
 */
public final class PageTableDump {
    private PageTableDump() {
    }

    /**
     * Prints the tree: one line per valid entry with level, index, VA range and the decoded
     * descriptor.
     *
     * @param table the page table
     * @return the text, ending with a statistics line
     */
    public static String tree(PageTable table) {
        StringBuilder sb = new StringBuilder();
        sb.append(table).append('\n');
        sb.append("L").append(table.startLevel()).append(" table ").append(hex(table.root())).append('\n');
        table.walk((level, index, va, tablePa, d) -> {
            sb.append("  ".repeat(level - table.startLevel() + 1))
                    .append('L').append(level).append('[').append(String.format("%3d", index)).append("] ")
                    .append(hex(va)).append("..").append(hex(va + PageTable.span(level) - 1)).append("  ")
                    .append(Descriptor.describe(d, level)).append('\n');
        });
        sb.append(table.stats()).append('\n');
        return sb.toString();
    }

    /**
     * Prints Graphviz DOT: one node per table (a record listing its valid entries), one edge per
     * table descriptor, leaves as entries.
     *
     * @param table the page table
     * @return the DOT text ({@code dot -Tsvg} draws it)
     */
    public static String dot(PageTable table) {
        StringBuilder sb = new StringBuilder();
        sb.append("digraph pagetable {\n  rankdir=LR;\n  node [shape=record, fontname=\"monospace\", fontsize=10];\n");
        java.util.Map<Long, StringBuilder> rows = new java.util.LinkedHashMap<>();
        java.util.Map<Long, Integer> levels = new java.util.HashMap<>();
        StringBuilder edges = new StringBuilder();
        rows.put(table.root(), new StringBuilder());
        levels.put(table.root(), table.startLevel());
        table.walk((level, index, va, tablePa, d) -> {
            StringBuilder r = rows.computeIfAbsent(tablePa, k -> new StringBuilder());
            String label = Descriptor.isTable(d, level) ? "table"
                    : (Descriptor.isBlock(d, level) ? (level == 1 ? "1G " : "2M ") : "4K ") + hex(Descriptor.address(d));
            r.append("|<e").append(index).append("> [").append(index).append("] ").append(hex(va)).append(' ').append(label);
            if (Descriptor.isTable(d, level)) {
                long child = Descriptor.address(d);
                rows.computeIfAbsent(child, k -> new StringBuilder());
                levels.put(child, level + 1);
                edges.append("  t").append(Long.toHexString(tablePa)).append(":e").append(index)
                        .append(" -> t").append(Long.toHexString(child)).append(";\n");
            }
        });
        for (java.util.Map.Entry<Long, StringBuilder> e : rows.entrySet()) {
            sb.append("  t").append(Long.toHexString(e.getKey())).append(" [label=\"L").append(levels.get(e.getKey()))
                    .append(" ").append(hex(e.getKey())).append(e.getValue()).append("\"];\n");
        }
        sb.append(edges).append("}\n");
        return sb.toString();
    }
}
