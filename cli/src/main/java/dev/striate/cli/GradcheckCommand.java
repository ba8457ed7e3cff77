package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Backends;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckResult;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.check.GradientChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code striate gradcheck}: finite differences against every op's backward on the CPU reference backend. */
final class GradcheckCommand implements Command {
    @Override
    public String name() {
        return "gradcheck";
    }

    @Override
    public String summary() {
        return "check every op's backward against finite differences (CPU reference, float64)";
    }

    @Override
    public String usage() {
        return "[--op NAME] [--json]";
    }

    @Override
    public Options options() {
        return CommonOptions.addJson(new Options()
                .addOption(Option.builder().longOpt("op").hasArg().argName("NAME")
                        .desc("only the cases of this op (snake_case, e.g. conv2d; 'composite' for graphs)").build()));
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        List<GradCheckCase> cases = GradCheckSuite.cases();
        String only = line.getOptionValue("op");
        if (only != null) {
            TreeSet<String> names = new TreeSet<>();
            cases.forEach(c -> names.add(c.op()));
            if (!names.contains(only)) {
                throw new UserException("--op: no op named '" + only + "'; valid: " + String.join(", ", names));
            }
            cases = cases.stream().filter(c -> c.op().equals(only)).toList();
        }
        List<GradCheckResult> results = new ArrayList<>();
        try (Backend backend = Backends.open("cpu", BackendOptions.defaults(), console.err()::println)) {
            GradientChecker checker = new GradientChecker(backend);
            for (GradCheckCase c : cases) {
                results.add(checker.check(c));
            }
        }
        boolean passed = results.stream().allMatch(GradCheckResult::passed);
        if (CommonOptions.json(line)) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            root.put("passed", passed);
            ArrayNode array = root.putArray("cases");
            for (GradCheckResult r : results) {
                array.addObject().put("op", r.op()).put("case", r.caseName()).put("maxRelError", r.maxRelError())
                        .put("passed", r.passed());
            }
            console.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            int opWidth = Math.max(2, results.stream().mapToInt(r -> r.op().length()).max().orElse(2));
            int caseWidth = Math.max(4, results.stream().mapToInt(r -> r.caseName().length()).max().orElse(4));
            String format = "%-" + opWidth + "s  %-" + caseWidth + "s  %14s  %s%n";
            console.out().printf(format, "op", "case", "max rel error", "pass");
            for (GradCheckResult r : results) {
                console.out().printf(format, r.op(), r.caseName(), String.format("%.3e", r.maxRelError()),
                        r.passed() ? "yes" : "NO  worst: " + r.worstElement());
            }
            long failed = results.stream().filter(r -> !r.passed()).count();
            console.out().printf("%d cases, %d passed, %d failed (tolerance %.0e relative, floor %.0e)%n",
                    results.size(), results.size() - failed, failed, GradientChecker.TOLERANCE,
                    GradientChecker.ABSOLUTE_FLOOR);
        }
        return passed ? Main.OK : Main.FAILED;
    }
}
