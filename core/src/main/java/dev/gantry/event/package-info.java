/**
 * Events: what Gantry's components publish (the production observability hook that tests also
 * await), and the job state changes the database announces on {@code <schema>.job_events}.
 */
package dev.gantry.event;
