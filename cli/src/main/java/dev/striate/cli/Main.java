package dev.striate.cli;

import dev.striate.cli.inspect.InspectCommand;
import dev.striate.core.FileNames;
import dev.striate.core.UserException;
import dev.striate.core.data.ImageDecoder;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code striate <command> [options]}. Exit status: 0 success, 1 a check failed (gradcheck, selftest) or an
 * internal error, 2 a user error, reported as one line without a stack trace ({@code --debug} shows it).
 */
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USER_ERROR = 2;

    private Main() {
    }

    static List<Command> commands() {
        return List.of(new GradcheckCommand(), new DatasetCommand(), new TrainCommand(), new EvalCommand(),
                new PredictCommand(), new ExportCommand(), new DemoCommand(), new SummaryCommand(),
                new SelftestCommand(), new DoctorCommand(), new MemcheckCommand(), new InspectCommand(),
                new LrFindCommand(), new SweepCommand(), new BenchCommand());
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean debug = rest.remove("--debug");
        Console console = new Console(out, err, debug);
        ImageDecoder.reportFallbackTo(err::println);
        Map<String, Command> byName = new TreeMap<>();
        for (Command c : commands()) {
            byName.put(c.name(), c);
        }
        if (rest.isEmpty() || rest.getFirst().equals("--help") || rest.getFirst().equals("-h")
                || rest.getFirst().equals("help")) {
            printOverview(byName, out);
            return rest.isEmpty() ? USER_ERROR : OK;
        }
        if (rest.getFirst().equals("--version")) {
            out.println("striate " + version());
            return OK;
        }
        Command command = byName.get(rest.getFirst());
        if (command == null) {
            err.println("striate: unknown command '" + rest.getFirst() + "'; commands: "
                    + String.join(", ", byName.keySet()) + " (striate --help)");
            return USER_ERROR;
        }
        String[] commandArgs = rest.subList(1, rest.size()).toArray(String[]::new);
        Options options = command.options();
        options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        try {
            // No partial matching: --epoch must not silently mean --epochs.
            CommandLine line = DefaultParser.builder().setAllowPartialMatching(false).build().parse(options, commandArgs);
            if (line.hasOption("help")) {
                printHelp(command, options, out);
                return OK;
            }
            CommandArguments.requireNoRepeats(line);
            return command.run(line, console);
        } catch (ParseException e) {
            err.println("striate " + command.name() + ": " + FileNames.oneLine(e.getMessage())
                    + CommandArguments.didYouMean(e, options) + " (striate " + command.name() + " --help)");
            return USER_ERROR;
        } catch (UserException e) {
            err.println("striate " + command.name() + ": " + FileNames.oneLine(e.getMessage()));
            if (debug) {
                e.printStackTrace(err);
            }
            return USER_ERROR;
        } catch (Exception | Error e) {
            err.println("striate " + command.name() + ": internal error: " + FileNames.oneLine(e.toString())
                    + (debug ? "" : " (run again with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return FAILED;
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private static void printOverview(Map<String, Command> commands, PrintStream out) {
        out.println("striate " + version() + ": train convolutional networks described in JSON");
        out.println();
        out.println("usage: striate <command> [options]   (striate <command> --help for its options)");
        out.println();
        out.println("commands:");
        for (Command c : commands.values()) {
            out.printf("  %-12s %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("global options: --debug (stack traces on errors), --version");
    }

    private static void printHelp(Command command, Options options, PrintStream out) {
        PrintWriter writer = new PrintWriter(out);
        HelpFormatter formatter = HelpFormatter.builder().get();
        formatter.printHelp(writer, 100, "striate " + command.name() + " " + command.usage(),
                command.summary(), options, 2, 4, "");
        writer.flush();
    }
}
