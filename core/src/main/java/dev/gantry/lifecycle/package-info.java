/**
 * Service lifecycle (start/stop contract) and the periodic loop every background task runs in.
 * Depends on nothing else in Gantry.
 */
package dev.gantry.lifecycle;
