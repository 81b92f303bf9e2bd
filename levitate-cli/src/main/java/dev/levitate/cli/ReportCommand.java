package dev.levitate.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code levitate report --html out.html}: runs the {@code demo} scenario quietly and writes one
 * self-contained HTML page about it (an SVG timeline, per-task statistics, page-table trees, the
 * TLB and allocator figures, the console): no network; a small inline script zooms the timeline.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Run the demo and write one self-contained HTML report of it.", "",
            "Run the demo scenario (see 'levitate demo') and write a self-contained HTML report: a timeline of which task ran when, per-task statistics, the kernel's and a user task's page tables, TLB and allocator figures, and the console. One file, no network access; a small inline script zooms and pans the timeline."})
public final class ReportCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private DemoScenario.Options options = new DemoScenario.Options();

    @Option(names = "--html", required = true, paramLabel = "FILE", description = "Where to write the HTML report; missing directories are made.")
    private Path html;

    /** Creates the command (picocli instantiates it). */
    public ReportCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        options.validate(spec.commandLine());
        CliFiles.checkWritable(html, "HTML report");
        try (DemoScenario d = new DemoScenario(options.newPolicy(), options.rounds)) {
            d.spawn();
            d.run();
            writeHtml(d, html, out);
            return d.clean() ? 0 : 1;
        }
    }

    /**
     * Renders the scenario's report to {@code path} (making missing directories) and tells the user
     * where it is.
     *
     * @throws CliException if the file cannot be written
     */
    static void writeHtml(DemoScenario d, Path path, PrintWriter out) {
        String page = d.report.render(d.machineFigures());
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        CliFiles.write(path, bytes, "HTML report");
        out.printf("Report:  %s (%,d bytes; open it in a browser: %s)%n", path, bytes.length, path.toAbsolutePath().toUri());
    }
}
