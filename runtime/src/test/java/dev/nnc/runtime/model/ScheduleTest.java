package dev.nnc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each schedule's learning rate at chosen epochs, against hand-computed values. */
class ScheduleTest {

    @Test
    void step() {
        Schedule s = new Schedule.Step(10, 0.5);
        assertEquals(0.1, s.rate(0.1, 0), 1e-15);
        assertEquals(0.1, s.rate(0.1, 9), 1e-15);
        assertEquals(0.05, s.rate(0.1, 10), 1e-15);
        assertEquals(0.025, s.rate(0.1, 25), 1e-15);
    }

    @Test
    void multiStep() {
        Schedule s = new Schedule.MultiStep(new int[] {30, 10}, 0.1);
        assertEquals(1.0, s.rate(1, 9), 1e-15);
        assertEquals(0.1, s.rate(1, 10), 1e-15);
        assertEquals(0.01, s.rate(1, 30), 1e-15);
    }

    @Test
    void exponentialInverseAndPolynomial() {
        assertEquals(0.1 * Math.pow(0.9, 3), new Schedule.Exponential(0.9).rate(0.1, 3), 1e-15);
        assertEquals(0.1 / Math.pow(1 + 0.5 * 4, 0.75),
                new Schedule.Inverse(0.5, 0.75).rate(0.1, 4), 1e-15);
        Schedule poly = new Schedule.Polynomial(2, 10, 0);
        assertEquals(0.1 * 0.25, poly.rate(0.1, 5), 1e-15);
        assertEquals(0.0, poly.rate(0.1, 10), 1e-15);
        assertEquals(0.001, new Schedule.Polynomial(1, 10, 0.001).rate(0.1, 12), 1e-15);
    }

    @Test
    void cosine() {
        Schedule s = new Schedule.Cosine(100, 0.01);
        assertEquals(0.1, s.rate(0.1, 0), 1e-15);
        assertEquals(0.055, s.rate(0.1, 50), 1e-12);
        assertEquals(0.01, s.rate(0.1, 100), 1e-15);
    }

    @Test
    void plateauCutsTheRateAfterPatienceEpochsWithoutImprovement() {
        Schedule.Plateau p = new Schedule.Plateau("val_loss", 0.5, 2, 0.01);
        Schedule.Tracker t = new Schedule.Tracker("val_loss", 0);
        double lr = 0.1;
        lr = p.next(lr, 1.0, t);   // best
        lr = p.next(lr, 0.9, t);   // best
        lr = p.next(lr, 0.95, t);  // 1 without improvement
        assertEquals(0.1, lr, 1e-15);
        lr = p.next(lr, 0.92, t);  // 2: cut
        assertEquals(0.05, lr, 1e-15);
        lr = p.next(lr, 0.93, t);
        lr = p.next(lr, 0.94, t);  // 2 again: cut
        assertEquals(0.025, lr, 1e-15);
        for (int i = 0; i < 20; i++) {
            lr = p.next(lr, 1.0, t);
        }
        assertEquals(0.01, lr, 1e-15, "never below min");
    }

    @Test
    void trackerKnowsWhichWayIsBetter() {
        Schedule.Tracker acc = new Schedule.Tracker("val_accuracy", 0.01);
        acc.offer(0.8);
        assertEquals(false, acc.offer(0.805), "within min_delta");
        assertEquals(true, acc.offer(0.9));
    }
}
