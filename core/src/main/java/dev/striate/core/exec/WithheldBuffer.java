package dev.striate.core.exec;

import dev.striate.core.tensor.DeviceBuffer;

/**
 * The buffer of a value a planned executor hands a backward kernel in place of one the op does not declare reading
 * ({@link dev.striate.core.op.BackwardReads}): its shape is there, its elements are not, so a kernel that reads them
 * fails on every backend instead of reading memory the plan gave to another tensor.
 */
record WithheldBuffer(String value) implements DeviceBuffer {
    @Override
    public String backendName() {
        return "withheld";
    }

    @Override
    public String toString() {
        return "the elements of '" + value + "', which backward does not declare reading (BackwardReads)";
    }
}
