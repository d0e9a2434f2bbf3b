/**
 * Internal: all runtime SQL ({@code *Sql} constants) and the stores that run it, plus
 * migrations. API is not stable. Depends on {@code job}, {@code time} and {@code error} only;
 * never on worker, client or maintenance.
 */
package dev.gantry.store;
