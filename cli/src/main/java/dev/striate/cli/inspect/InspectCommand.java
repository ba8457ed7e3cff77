package dev.striate.cli.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.cli.Command;
import dev.striate.cli.CommonOptions;
import dev.striate.cli.Console;
import dev.striate.cli.Main;
import dev.striate.core.UserException;
import dev.striate.core.backend.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate inspect VIEW RUN_DIR|MODEL [--weights FILE] --out DIR}: what a trained network has learned, as
 * pictures (and numbers with {@code --json}): its filters, the activations of one image, activation distributions
 * over many, saliency, and inputs that maximise a channel or a class.
 */
public final class InspectCommand implements Command {
    private static final Set<String> COMMON = Set.of("out", "weights", "checkpoint", "device", "precision", "json",
            "help");

    private final Map<String, InspectView> views = new LinkedHashMap<>();

    public InspectCommand() {
        for (InspectView view : List.of(new FiltersView(), new ActivationsView(), new DistributionsView(),
                new SaliencyView(), new MaximizeView())) {
            views.put(view.name(), view);
        }
    }

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "pictures of what a trained model learned: filters, activations, distributions, saliency, maximize";
    }

    @Override
    public String usage() {
        StringBuilder usage = new StringBuilder("VIEW RUN_DIR|MODEL [--weights FILE] --out DIR [options], VIEW one of:");
        views.values().forEach(v -> usage.append(System.lineSeparator()).append("  ").append(v.name()).append(' ')
                .append(v.usage()));
        return usage.toString();
    }

    @Override
    public Options options() {
        Options options = new Options()
                .addOption(value("out", "DIR", "folder for the pictures (created if needed; files are never"
                        + " overwritten)"))
                .addOption(value("weights", "FILE", "safetensors weights, when MODEL is a spec rather than a run"
                        + " folder"))
                .addOption(value("checkpoint", "WHICH", "best (default when present) or last, for a run folder"))
                .addOption(value("layer", "NAME,...", "node names (filters, activations, distributions, maximize)"))
                .addOption(value("channel", "D,...", "channels of --layer to maximise"))
                .addOption(value("class", "C,...", "class index (saliency: default the predicted one; maximize)"))
                .addOption(value("data", "DIR", "images for distributions"))
                .addOption(value("images", "N", "images for distributions (default "
                        + DistributionsView.DEFAULT_IMAGES + ")"))
                .addOption(value("steps", "N", "gradient-ascent steps of maximize (default "
                        + MaximizeView.DEFAULT_STEPS + ")"))
                .addOption(value("step-size", "G", "gradient-ascent step size of maximize (default "
                        + MaximizeView.DEFAULT_STEP_SIZE + ")"))
                .addOption(value("l2", "L", "L2 penalty on the image in maximize (default 0)"))
                .addOption(value("seed", "N", "seed of maximize's uniform noise (default 0)"));
        CommonOptions.addDevice(options);
        CommonOptions.addPrecision(options);
        return CommonOptions.addJson(options);
    }

    private static Option value(String name, String argName, String description) {
        return Option.builder().longOpt(name).hasArg().argName(argName).desc(description).build();
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        List<String> arguments = line.getArgList();
        if (arguments.isEmpty() || !views.containsKey(arguments.getFirst())) {
            throw new UserException((arguments.isEmpty() ? "no view given" : "unknown view '" + arguments.getFirst()
                    + "'") + "; views: " + String.join(", ", views.keySet()) + " (striate inspect --help)");
        }
        InspectView view = views.get(arguments.getFirst());
        if (arguments.size() < 2) {
            throw new UserException("inspect " + view.name() + " needs a run folder or a MODEL with --weights"
                    + " (usage: inspect " + view.name() + " " + view.usage() + ")");
        }
        Set<String> foreign = new TreeSet<>();
        for (Option option : line.getOptions()) {
            if (!COMMON.contains(option.getLongOpt()) && !view.options().contains(option.getLongOpt())) {
                foreign.add("--" + option.getLongOpt());
            }
        }
        if (!foreign.isEmpty()) {
            throw new UserException("inspect " + view.name() + " does not take " + String.join(", ", foreign)
                    + " (usage: inspect " + view.name() + " " + view.usage() + ")");
        }
        if (!line.hasOption("out")) {
            throw new UserException("--out DIR is required: the folder the pictures go to");
        }
        InspectArguments inspectArguments = new InspectArguments(line,
                new ArrayList<>(arguments.subList(2, arguments.size())), view.name(), view.usage());
        Precision precision = Precision.parse(line.getOptionValue("precision", "fp32"));
        ObjectNode json;
        try (InspectedModel model = InspectedModel.open(arguments.get(1), line.getOptionValue("weights"),
                line.getOptionValue("checkpoint"), line.getOptionValue("device", "auto"), precision,
                console.err()::println)) {
            OutputFolder out = OutputFolder.create(line.getOptionValue("out"));
            json = view.run(model, inspectArguments, out);
            if (!line.hasOption("json")) {
                for (Path file : out.written()) {
                    console.out().println("wrote " + file);
                }
            }
        }
        if (line.hasOption("json")) {
            console.out().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        }
        return Main.OK;
    }
}
