package dev.nnc.runtime.train;

import dev.nnc.runtime.model.StopCondition;

/**
 * What a training run is about to do, told to listeners before the first epoch.
 *
 * @param model the model's name
 * @param params number of trainable parameters
 * @param epochs the maximum number of epochs
 * @param trainSize training samples of an epoch (with {@code augment_copies: n}, n + 1 times
 *     the training set)
 * @param validationSize validation samples (0 for none)
 * @param batchSize samples per batch (the last batch of an epoch may be smaller)
 * @param batches batches per epoch
 * @param logEvery a full-metrics epoch comes every this many epochs (and at the end)
 * @param stop the stop condition, or {@code null}
 * @param threads the thread count setting
 */
public record TrainInfo(String model, int params, int epochs, int trainSize, int validationSize,
        int batchSize, int batches, int logEvery, StopCondition stop, int threads) {
}
