package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassNamesTest {
    @TempDir
    Path folder;

    @Test
    void imageNetNamesAreTorchvisionsThousandInItsOrder() {
        List<String> names = ClassNames.imageNet();
        assertEquals(1000, names.size());
        assertEquals(1000, new HashSet<>(names).size(), "no name twice");
        // Spot checks against torchvision.models._meta._IMAGENET_CATEGORIES.
        assertEquals("tench", names.get(0));
        assertEquals("goldfish", names.get(1));
        assertEquals("tabby", names.get(281));
        assertEquals("golden retriever", names.get(207));
        assertEquals("toilet tissue", names.get(999));
    }

    @Test
    void aClassesFileNamesOneClassPerLineAndMustMatchTheHead() throws IOException {
        Path file = Files.writeString(folder.resolve("classes.txt"), "cat\n dog \nbird\n\n");
        assertEquals(List.of("cat", "dog", "bird"), ClassNames.read(file, 3));
        UserException e = assertThrows(UserException.class, () -> ClassNames.read(file, 4));
        assertTrue(e.getMessage().contains("names 3 classes but the model has 4 outputs"), e.getMessage());
    }
}
