package dev.striate.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One {@code striate <command>}: its options and what it does. Results go to stdout, progress to stderr. */
public interface Command {
    String name();

    /** One line for {@code striate --help}. */
    String summary();

    /** Usage after the command name, e.g. {@code MODEL [--json]}. */
    String usage();

    Options options();

    /** Runs the command; returns the exit status (0 success, 1 a failed check). User errors throw UserException. */
    int run(CommandLine line, Console console) throws Exception;
}
