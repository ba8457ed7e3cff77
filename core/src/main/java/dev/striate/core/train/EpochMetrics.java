package dev.striate.core.train;

/**
 * One row of {@code metrics.jsonl} and {@code metrics.csv}: epoch (from 1), training loss and top-1 accuracy,
 * validation loss, top-1 and top-5, the learning rate of the epoch's last step, training images per second, the
 * epoch's seconds (training and validation), and the files skipped as unreadable during its training.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valTop1,
                           double valTop5, double learningRate, double imagesPerSecond, double seconds,
                           long skippedFiles) {
    /** Column names of the CSV file, in record order. */
    public static final String CSV_HEADER = "epoch,train_loss,train_acc,val_loss,val_top1,val_top5,lr,images_per_s,"
            + "seconds,skipped_files";

    public String csvRow() {
        return epoch + "," + trainLoss + "," + trainAccuracy + "," + valLoss + "," + valTop1 + "," + valTop5 + ","
                + learningRate + "," + imagesPerSecond + "," + seconds + "," + skippedFiles;
    }
}
