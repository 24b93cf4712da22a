/** Throughput harness for the capture path. */
package org.ntpguard.bench;
