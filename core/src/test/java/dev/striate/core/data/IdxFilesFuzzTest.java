package dev.striate.core.data;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.striate.core.FuzzContract;
import dev.striate.core.UserException;

/**
 * Any bytes given as an IDX image file, label file and classes.txt end in a data set or in a {@link UserException}
 * (a {@link DatasetException}), never in another exception, nor above the fuzzer's memory and time bounds.
 */
class IdxFilesFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void anyIdxFilesEndInADatasetOrAUserError(FuzzedDataProvider data) {
        byte[] classes = data.consumeBytes(data.consumeInt(0, 200));
        byte[] labels = data.consumeBytes(data.consumeInt(0, 400));
        byte[] images = data.consumeRemainingAsBytes();
        try {
            IdxDataset dataset = IdxFiles.dataset("images", images, "labels", labels,
                    classes.length == 0 ? null : IdxFiles.parseClasses(classes, "classes.txt"));
            for (int i = 0; i < dataset.size(); i++) {
                dataset.classes().get(dataset.label(i));
            }
        } catch (UserException expected) {
            FuzzContract.requireOneLine(expected);
        }
    }
}
