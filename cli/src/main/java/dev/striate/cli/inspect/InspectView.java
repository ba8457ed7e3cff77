package dev.striate.cli.inspect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Set;

/** One view of {@code striate inspect}: the options it takes and the pictures and numbers it makes. */
interface InspectView {
    String name();

    /** Its arguments after {@code RUN_DIR|MODEL}, for help and errors. */
    String usage();

    /** The options it takes besides the common ones (--out, --weights, --checkpoint, --device, --precision, --json). */
    Set<String> options();

    /** Claims its files in {@code out}, then computes and writes them; returns the numbers for {@code --json}. */
    ObjectNode run(InspectedModel model, InspectArguments arguments, OutputFolder out) throws IOException;
}
