package dev.striate.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Fashion-MNIST subset that the CLI ships (cli/src/main/resources), read as the jar will read it. */
class ShippedSubsetTest {
    private static final Path RESOURCES = Path.of("../cli/src/main/resources");

    @Test
    void subsetIsClassBalancedWithFashionMnistNames() throws Exception {
        assertTrue(Files.isDirectory(RESOURCES.resolve(Datasets.DEMO_SUBSET)), "shipped subset in " + RESOURCES);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {RESOURCES.toUri().toURL()}, null)) {
            DatasetSplits splits = Datasets.openResource(loader, Datasets.DEMO_SUBSET);
            assertEquals(Datasets.FASHION_MNIST_CLASSES, splits.train().classes());
            assertPerClass(splits.train(), 1500);
            assertPerClass(splits.val(), 250);
            DecodedImage first = splits.train().decode(0);
            assertEquals(28, first.height());
            assertEquals(28, first.width());
            assertEquals(1, first.channels());
        }
    }

    private static void assertPerClass(Dataset dataset, int perClass) {
        int[] counts = new int[dataset.classes().size()];
        for (int i = 0; i < dataset.size(); i++) {
            counts[dataset.label(i)]++;
        }
        for (int k = 0; k < counts.length; k++) {
            assertEquals(perClass, counts[k], "images of class " + dataset.classes().get(k));
        }
    }
}
