package dev.kerasmnist.serving;

import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntConsumer;

/**
 * Coalesces concurrent requests into one forward pass. When the model is idle and nobody waits, a request runs on its
 * own thread at once (handing it to another thread costs more than its forward pass). Otherwise it queues; one worker
 * thread takes the first waiting request, then every request that arrives within {@code maxWait} (or is already
 * queued) until the batch holds {@code maxBatch} images, runs them through the network at once and hands each
 * request its rows.
 *
 * <p>One worker owns the network, so DL4J's {@code output()} is never called concurrently, and a batch of 64 costs
 * little more than one image (one GEMM instead of 64 matrix-vector products). This is what DL4J's
 * {@code ParallelInference} in BATCHED mode does, without model replicas: on 2 cores one network already uses both
 * through BLAS, and the classifier's fast path and checks stay the same as {@code predict}'s.
 */
final class BatchingPredictor implements Predictor {
    /** Requests that may wait; beyond this the server answers 503 rather than queueing without bound. */
    static final int QUEUE_CAPACITY = 4096;

    private record Job(List<float[]> images, CompletableFuture<List<Prediction>> result) {}

    private final DigitClassifier classifier;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final IntConsumer batchSizes;
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread worker;
    /** Held for each forward pass: by the worker for a batch, or by a request thread that found the model idle. */
    private final ReentrantLock model = new ReentrantLock();
    /** Guards {@link #closed} against a request queueing while close() runs. */
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();

    private volatile boolean closed;

    BatchingPredictor(DigitClassifier classifier, int maxBatch, Duration maxWait, IntConsumer batchSizes) {
        this.classifier = classifier;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.batchSizes = batchSizes;
        this.worker = new Thread(this::work, "predict-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public List<Prediction> predict(List<float[]> images) throws InterruptedException {
        Job job = new Job(images, new CompletableFuture<>());
        boolean runHere;
        open.readLock().lock(); // queued before close() or refused: close() waits, and the worker drains the queue
        try {
            if (closed) {
                throw new ClosedException();
            }
            runHere = queue.isEmpty() && model.tryLock();
            if (!runHere && !queue.offer(job)) {
                throw new ServerBusyException(QUEUE_CAPACITY + " requests are already waiting: retry shortly", "queue");
            }
        } finally {
            open.readLock().unlock();
        }
        if (runHere) { // the model was idle and nobody waited: run on this thread, at once
            try {
                batchSizes.accept(images.size());
                return classifier.predict(images);
            } finally {
                model.unlock();
            }
        }
        return await(job);
    }

    private static List<Prediction> await(Job job) throws InterruptedException {
        try {
            return job.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public int queueDepth() {
        return queue.size();
    }

    private void work() {
        Job carried = null; // a request that did not fit the last batch: it starts the next one
        while (carried != null || !closed || !queue.isEmpty()) {
            try {
                Job first = carried != null ? carried : queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                model.lockInterruptibly(); // requests arriving meanwhile queue up and join this batch
                try {
                    List<Job> batch = new ArrayList<>(List.of(first));
                    carried = collect(batch, first.images().size());
                    run(batch);
                } finally {
                    model.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Adds queued requests to {@code batch} until it is full or {@code maxWait} has passed; returns one that did
     * not fit, or null. */
    private Job collect(List<Job> batch, int rows) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (rows < maxBatch) {
            Job next = queue.poll();
            if (next == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (next = queue.poll(left, TimeUnit.NANOSECONDS)) == null) {
                    return null;
                }
            }
            if (rows + next.images().size() > maxBatch) {
                return next;
            }
            batch.add(next);
            rows += next.images().size();
        }
        return null;
    }

    private void run(List<Job> batch) {
        List<float[]> rows = new ArrayList<>();
        for (Job job : batch) {
            rows.addAll(job.images());
        }
        try {
            batchSizes.accept(rows.size());
            List<Prediction> all = classifier.predict(rows);
            int from = 0;
            for (Job job : batch) {
                int to = from + job.images().size();
                job.result().complete(all.subList(from, to));
                from = to;
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(job -> job.result().completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        open.writeLock().lock();
        try {
            closed = true;
        } finally {
            open.writeLock().unlock();
        }
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.lock(); // a request that found the model idle may still run on its own thread
        try {
            classifier.close(); // frees another engine's session; the queue is drained
        } finally {
            model.unlock();
        }
    }
}
