package dev.striate.cpu.train;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.Linear;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.ClassifierGraphs;

/**
 * A small classifier with every kind of state training must carry: convolution weights, batch-norm running
 * statistics (buffers), and dropout (masks drawn from the seed and the step).
 */
final class TinyModels {
    private TinyModels() {
    }

    static Graph stripes(int batch) {
        GraphBuilder builder = new GraphBuilder();
        builder.input(ClassifierGraphs.IMAGES, Shape.of(batch, 1, StripesDataset.SIDE, StripesDataset.SIDE));
        builder.add("conv", Conv2d.of(4, 3, 1, 1), ClassifierGraphs.IMAGES);
        builder.add("bn", BatchNorm.standard(), "conv");
        builder.add("relu", new Relu(), "bn");
        builder.add("pool", MaxPool2d.of(2, 2, 0), "relu");
        builder.add("flatten", new Flatten(), "pool");
        builder.add("dropout", new Dropout(0.2), "flatten");
        builder.add("fc", Linear.of(3), "dropout");
        return builder.build("fc");
    }
}
