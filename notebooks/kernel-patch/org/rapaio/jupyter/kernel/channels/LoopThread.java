package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Replacement for rapaio-jupyter-kernel 3.0.1's LoopThread (same name and API), put before the kernel jar on the
 * kernel's class path by notebooks/run. Written for this project; it fixes the two causes of the kernel's hangs
 * at start-up on few cores:
 * <ol>
 *   <li>The original sets its running flag only after {@code Thread.start()}: when the new thread runs first, it
 *   sees the flag false and ends, and that channel never answers ("Kernel didn't respond in 60 seconds"). Here the
 *   flag is set before the thread starts.</li>
 *   <li>The channels start looping before the kernel registers its message handlers; a request arriving in that
 *   window threw a NullPointerException out of the loop body and ended the loop for good. Here an exception from
 *   one iteration is logged and the loop goes on (the client repeats its kernel_info request).</li>
 * </ol>
 */
public final class LoopThread extends Thread {
    private static final Logger LOGGER = Logger.getLogger(LoopThread.class.getName());

    private volatile boolean running;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, getName() + ": loop iteration failed, continuing", e);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true; // before the thread exists, so its first check sees it
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
