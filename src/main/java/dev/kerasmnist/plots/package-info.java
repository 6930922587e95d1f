/**
 * PNG charts with XChart, shared by the evaluation report and the lessons: one place that sets the look and
 * writes files atomically.
 */
package dev.kerasmnist.plots;
