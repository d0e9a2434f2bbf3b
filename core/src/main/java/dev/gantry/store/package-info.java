/**
 * Internal: all runtime SQL ({@code *Sql} constants) and the stores that run it, plus
 * migrations. API is not stable. Rows come back as the public value types of client and job;
 * depends on client, config, job, time and error only, never on worker or backend.
 */
package dev.gantry.store;
