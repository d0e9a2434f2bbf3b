/**
 * The exceptions Gantry throws, all under the unchecked {@link dev.gantry.error.GantryException}.
 * Bottom of the package graph: depends on nothing else in Gantry.
 */
package dev.gantry.error;
