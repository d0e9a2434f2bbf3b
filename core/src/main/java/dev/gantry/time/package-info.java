/** Time: wall, monotonic and the "now" passed to SQL, injected everywhere so tests can control it. */
package dev.gantry.time;
