package dev.striate.models;

import dev.striate.core.Suggestions;
import dev.striate.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where specs come from: the zoo (JSON resources under {@code zoo/}, listed in {@code zoo/index.txt}) or a file.
 * Anywhere a command takes a MODEL, both work: {@code striate summary resnet50}, {@code striate summary my.json}.
 */
public final class ModelSpecs {
    private static final String ZOO = "/zoo/";

    private ModelSpecs() {
    }

    /** The zoo model of that name or, when there is none, the spec in the file at that path. */
    public static ModelSpec resolve(String nameOrPath) {
        if (zooNames().contains(nameOrPath)) {
            return zoo(nameOrPath);
        }
        Path file = Path.of(nameOrPath);
        if (Files.isRegularFile(file)) {
            return file(file);
        }
        boolean looksLikePath = nameOrPath.contains("/") || nameOrPath.endsWith(".json");
        throw new UserException("'" + Attributes.abbreviate(nameOrPath) + "' is " + (looksLikePath ? "not a readable file"
                : "neither a zoo model nor a file") + Suggestions.didYouMean(nameOrPath, zooNames())
                + "; zoo models: " + String.join(", ", zooNames()));
    }

    /** The spec in a JSON file; errors name the file. */
    public static ModelSpec file(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new UserException("the spec " + file + " is not UTF-8 text; save it as UTF-8 JSON", e);
        } catch (IOException e) {
            throw new UserException("cannot read the spec " + file + ": " + e.getMessage(), e);
        }
        return parse(json, file.toString());
    }

    /** A zoo model by name. */
    public static ModelSpec zoo(String name) {
        if (!zooNames().contains(name)) {
            throw new UserException("no zoo model named '" + Attributes.abbreviate(name) + "'" + Suggestions.didYouMean(name, zooNames())
                    + "; zoo models: " + String.join(", ", zooNames()));
        }
        return parse(resource(name + ".json"), "zoo/" + name + ".json");
    }

    /** A spec from JSON text; {@code sourceName} (a file name) starts every error message. */
    public static ModelSpec parse(String json, String sourceName) {
        return SpecParser.parse(json, sourceName);
    }

    /** The zoo's model names, sorted. */
    public static List<String> zooNames() {
        return resource("index.txt").lines().map(String::strip).filter(line -> !line.isEmpty()).sorted().toList();
    }

    private static String resource(String name) {
        try (InputStream in = ModelSpecs.class.getResourceAsStream(ZOO + name)) {
            if (in == null) {
                throw new IllegalStateException("the zoo resource " + ZOO + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
