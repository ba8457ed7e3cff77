package dev.striate.core.backend;

import dev.striate.core.UserException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a backend computes. {@code fp32}: true single precision (no tensor-core shortcuts); {@code tf32}: TF32 tensor
 * cores for convolutions and GEMMs; {@code bf16}: bf16 activations and conv/GEMM inputs with fp32 accumulation,
 * master weights, optimizer state, batch-norm statistics and loss. The reference backend computes in float64 whatever
 * is asked.
 */
public enum Precision {
    FP32, TF32, BF16;

    /** As written on the command line and in {@code config.json}. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A flag or config value; anything else is a user error that lists the choices. */
    public static Precision parse(String value) {
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (Precision precision : values()) {
            if (precision.flagValue().equals(wanted)) {
                return precision;
            }
        }
        throw new UserException("--precision must be one of " + Arrays.stream(values()).map(Precision::flagValue)
                .collect(Collectors.joining(", ")) + ", got '" + value + "'");
    }
}
